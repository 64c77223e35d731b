import ComplianceAPI
import Foundation
import MockComplianceAPI
import Testing

@testable import Forwarder

/// The monitoring examples (alert rules, dashboard) against the metrics a running forwarder
/// really serves, so renaming a metric fails here rather than in an operator's dashboard.
@Suite(.serialized) struct MonitoringTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `compliance_forwarder_…` name a file mentions.
    static func metricNames(inFile relativePath: String) throws -> Set<String> {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(relativePath), encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "compliance_forwarder_[a-z_]+")
        let range = NSRange(text.startIndex..., in: text)
        return Set(
            pattern.matches(in: text, range: range).compactMap { match in
                Range(match.range, in: text).map { String(text[$0]) }
            }
        )
    }

    /// The series names in Prometheus text (`# TYPE` lines name registered metrics even before
    /// their first labelled sample).
    static func exposedNames(_ text: String) -> Set<String> {
        var names = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                names.insert(String(line.split(separator: " ")[2]))
            } else if !line.hasPrefix("#"), let name = line.split(whereSeparator: { $0 == "{" || $0 == " " }).first {
                names.insert(String(name))
            }
        }
        return names
    }

    @Test func everyMetricInTheAlertRulesAndTheDashboardIsServed() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let inAlerts = try Self.metricNames(inFile: "examples/prometheus/alerts.yaml")
        let inDashboard = try Self.metricNames(inFile: "examples/grafana/compliance-forwarder.json")
        #expect(inAlerts.count >= 8, "\(inAlerts.sorted())")
        #expect(inDashboard.count >= 12, "\(inDashboard.sorted())")

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = RFC3339Timestamp.now.adding(.seconds(-3600))
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            _ = OperationsTests.insert(mock, count: 10, after: base)
            let config = try OperationsTests.writeConfig(directory, baseURL: mock.baseURL)
            let log = URL(fileURLWithPath: directory.path + "/forwarder.log")
            try await OperationsTests.withRunning(config, log: log) { child, client in
                // Per-sink and per-status series exist once the first events went through.
                var text = ""
                let delivered = try await eventuallyAsync {
                    text = await client.body("/metrics") ?? ""
                    return PrometheusSamples(text).value(
                        "compliance_forwarder_events_delivered_total",
                        ["sink": "archive"]
                    ) == 10
                }
                #expect(delivered, "\(text)")
                let served = Self.exposedNames(text)
                #expect(inAlerts.subtracting(served).isEmpty, "alerts.yaml uses unserved metrics")
                #expect(inDashboard.subtracting(served).isEmpty, "the dashboard uses unserved metrics")
                child.signal(SIGTERM)
                #expect(try await child.waitForExit() == 0)
            }
        }
    }

    @Test func theDashboardIsImportableJSONWithADataSourceVariable() throws {
        let data = try Data(
            contentsOf: Self.repositoryRoot.appendingPathComponent("examples/grafana/compliance-forwarder.json")
        )
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(variables.contains { $0["type"] as? String == "datasource" && $0["query"] as? String == "prometheus" })
        let panels = dashboard["panels"] as? [[String: Any]] ?? []
        #expect(panels.count >= 10)
        for panel in panels {
            let source = (panel["datasource"] as? [String: Any])?["uid"] as? String
            #expect(source == "${datasource}", "panel \(panel["title"] ?? "?") uses a fixed data source")
        }
    }

    /// The values of `key: value` lines (YAML scalars, quotes removed).
    static func values(of key: String, inFile relativePath: String) throws -> [String] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(relativePath), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            guard trimmed.hasPrefix(key + ": ") else { return nil }
            return String(trimmed.dropFirst(key.count + 2)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }

    @Test func everyAlertHasAUnitTestAndARunbookSection() throws {
        let alerts = try Self.values(of: "alert", inFile: "examples/prometheus/alerts.yaml")
        #expect(alerts.count >= 9)
        let tested = Set(try Self.values(of: "alertname", inFile: "examples/prometheus/alerts.test.yaml"))
        #expect(Set(alerts).subtracting(tested).isEmpty, "alerts without a promtool unit test")

        let runbook = try String(
            contentsOf: Self.repositoryRoot.appendingPathComponent("docs/operations.md"),
            encoding: .utf8
        )
        // GitHub's anchors: the heading lower-cased, spaces as dashes, other punctuation dropped.
        let anchors = Set(
            runbook.split(separator: "\n").filter { $0.hasPrefix("#") }.map { heading in
                String(
                    heading.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
                        .compactMap {
                            $0 == " " ? "-" : ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : nil)
                        }
                )
            }
        )
        let links = try Self.values(of: "runbook_url", inFile: "examples/prometheus/alerts.yaml")
        #expect(links.count == alerts.count, "every alert links a runbook")
        for link in links {
            #expect(link.hasPrefix("docs/operations.md#"), "\(link)")
            let anchor = String(link.drop { $0 != "#" }.dropFirst())
            #expect(anchors.contains(anchor), "no section of docs/operations.md for \(link)")
        }
    }
}
