import ComplianceAPI
import Foundation
import Logging
import MockComplianceAPI
import ServiceLifecycle
import Synchronization
import Testing

@testable import Forwarder
@testable import ForwarderCore

/// `sources:`: several parent organisations in one process, each with its own key, cursor and
/// checkpoint, sharing the sinks; one failing source never holds the others back.
@Suite(.timeLimit(.minutes(3)))
struct SeveralSourcesTests {
    /// What the webhook received: each activity id with its `labels.source`.
    final class Received: Sendable {
        let events = Mutex<[(id: String, source: String?)]>([])

        func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
            var batch: [(String, String?)] = []
            for line in request.bodyText.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let event = object["event"] as? [String: Any], let id = event["id"] as? String,
                    event["action"] as? String != ArchiveAnchor.action  // the archive's seals, not activities
                else { continue }
                batch.append((id, (object["labels"] as? [String: Any])?["source"] as? String))
            }
            events.withLock { $0 += batch }
            return .reply(status: 200)
        }
    }

    static func source(_ name: String, _ mock: MockComplianceAPI, key: String) -> String {
        """
          - name: \(name)
            base_url: \(mock.baseURL)
            api_key: \(key)
            start: \(RFC3339Timestamp.now.adding(.seconds(-8 * 3600)).wireText)
            page_size: 1000
            poll_interval: 200ms
            budget: { max_requests_per_minute: 600, reserve_fraction: 0 }
        """
    }

    /// Three sources with different keys: one healthy, one answering 401 to everything, one in
    /// a 429 storm. The healthy one is delivered in full, labelled with its name, while the
    /// others are still failing; each source has its own checkpoint file.
    @Test func aFailingSourceNeverHoldsTheOthersBack() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let received = Received()
        let healthyConfiguration = PipelineSinkTests.mockConfiguration(backlog: 4_000)
        try await MockComplianceAPI.withRunning(configuration: healthyConfiguration) { healthy in
            try await MockComplianceAPI.withRunning(configuration: PipelineSinkTests.mockConfiguration(backlog: 500)) {
                refused in
                refused.enqueueFaults(Array(repeating: .unauthorized, count: 10_000))
                try await MockComplianceAPI.withRunning(
                    configuration: PipelineSinkTests.mockConfiguration(backlog: 500)
                ) { storm in
                    storm.enqueueFaults(Array(repeating: .rateLimited(retryAfter: 1), count: 10_000))
                    try await TestHTTPServer.withRunning(received.handle) { webhook in
                        let yaml = """
                            sources:
                            \(Self.source("healthy", healthy, key: "sk-ant-api01-healthy"))
                            \(Self.source("refused", refused, key: "sk-ant-api01-refused"))
                            \(Self.source("storm", storm, key: "sk-ant-api01-storm"))
                            checkpoint:
                              path: \(directory.path)/state/checkpoint.json
                              flush_interval: 200ms
                            sinks:
                              - name: siem
                                type: http
                                mode: webhook
                                format: ecs
                                url: \(webhook.baseURL)/ingest
                              - name: archive
                                type: file
                                format: cef
                                directory: \(directory.path)/archive
                            """
                        let configuration = try ConfigurationLoader.load(
                            yaml: yaml,
                            baseDirectory: directory.path,
                            environment: [:]
                        )
                        #expect(configuration.summary.contains("source       storm: \(storm.baseURL)"))
                        var logger = Logger(label: "several-sources-test")
                        logger.logLevel = .critical
                        let parts = try ForwarderRuntime.make(configuration: configuration, logger: logger)
                        let expected = Set(healthy.allIDs())
                        let group = ServiceGroup(services: [parts.pipeline], logger: logger)
                        try await withThrowingTaskGroup(of: Void.self) { tasks in
                            tasks.addTask { try await group.run() }
                            let delivered = try await eventually(timeout: .seconds(90), every: .milliseconds(50)) {
                                expected.isSubset(of: Set(received.events.withLock { $0.map(\.id) }))
                            }
                            #expect(delivered, "the healthy source is delivered in full")
                            // On time: while the others are still failing.
                            #expect(storm.pendingFaults > 0, "the 429 storm is still going")
                            #expect(refused.responsesByStatus[200] == nil, "the refused source never got a page")
                            #expect(
                                parts.readiness.problems().contains {
                                    $0.hasPrefix("source refused: last request failed")
                                }
                            )
                            await group.triggerGracefulShutdown()
                            try await tasks.waitForAll()
                        }
                        let events = received.events.withLock { $0 }
                        let bySource = Dictionary(grouping: events, by: { $0.source ?? "-" }).mapValues(\.count)
                        #expect(
                            bySource.keys.sorted() == ["healthy"],
                            "ECS labels.source names the source: \(bySource)"
                        )
                        let unexpected = Set(events.map(\.id)).subtracting(expected)
                        #expect(unexpected.isEmpty, "nothing from the failing sources: \(unexpected.count) others")

                        let checkpoint = directory.path + "/state/checkpoint.healthy.json"
                        #expect(try CheckpointStore(path: checkpoint).load()?.cursor == healthy.allIDs().last)
                        let refusedState = try CheckpointStore(path: directory.path + "/state/checkpoint.refused.json")
                            .load()
                        #expect(refusedState?.cursor == nil, "the refused source has not moved")

                        let archived = try directory.files(in: "archive").flatMap { name -> [Substring] in
                            let data = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/archive/" + name))
                            let text = String(decoding: TestGzip.decompress(Array(data)) ?? [], as: UTF8.self)
                            return text.split(separator: "\n")
                        }
                        #expect(archived.count == expected.count)
                        #expect(
                            archived.allSatisfy { $0.contains(" deviceExternalId=healthy") },
                            "CEF names the source"
                        )
                    }
                }
            }
        }
    }

    @Test func aSingleSourceKeepsItsOutputAndCheckpointPath() throws {
        let checkpoint = ForwarderConfiguration.Checkpoint(path: "/var/lib/cf/checkpoint.json")
        var source = ForwarderConfiguration.Source(apiKey: APIKey("sk-ant-api01-x"))
        #expect(checkpoint.path(for: source) == "/var/lib/cf/checkpoint.json")
        source.name = "org-eu"
        #expect(checkpoint.path(for: source) == "/var/lib/cf/checkpoint.org-eu.json")
        #expect(
            ForwarderConfiguration.Checkpoint(path: "/var/lib/cf/state").path(for: source) == "/var/lib/cf/state.org-eu"
        )

        let activity = try #require(ActivityGenerator().sample(type: "claude_chat_viewed", seed: 1))
        let unnamed = ActivityEncodingContext(readTime: .now)
        let named = ActivityEncodingContext(readTime: .now, selfGenerated: true, sourceName: "org-eu")
        for format in [OutputFormat.ecs, .cef] {
            let encoder = ActivityEncoder(format: format)
            var plain: [UInt8] = []
            encoder.append(activity, context: unnamed, into: &plain)
            var labelled: [UInt8] = []
            encoder.append(activity, context: named, into: &labelled)
            let text = String(decoding: labelled, as: UTF8.self)
            #expect(!String(decoding: plain, as: UTF8.self).contains("org-eu"))
            if format == .ecs {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(labelled)) as? [String: Any])
                let labels = try #require(object["labels"] as? [String: String])
                #expect(labels == ["source": "org-eu", "self_generated": "true"])
            } else {
                #expect(text.contains(" deviceExternalId=org-eu"))
            }
        }
    }
}
