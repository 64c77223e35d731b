import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Foundation
import Logging
import Metrics
import MockComplianceAPI
import Prometheus
import ServiceLifecycle

/// `compliance-forwarder demo`: the whole pipeline against the built-in mock API, with no key and
/// no network: live and late rows → an ECS gzip archive, plus CEF lines on the terminal, and a
/// summary on Ctrl-C.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the full pipeline against the built-in mock API (no key, no network); Ctrl-C for a summary."
    )

    @Option(help: "Where the archive, dead letters and checkpoint go.") var output = "demo-output"
    @Option(help: "Stop by itself after this many seconds (default: run until Ctrl-C).") var seconds: Double?
    @Flag(help: "Do not print CEF lines (only the summary).") var quiet = false

    /// The demo's configuration, in the same YAML a user writes (see docs/configuration.md).
    static func yaml(baseURL: String, output: String) -> String {
        """
        source:
          base_url: \(baseURL)
          api_key: sk-ant-api01-demo-key-not-secret
          start: -1h
          page_size: 500
          poll_interval: 2s
          lookback: 2m
        checkpoint:
          path: \(output)/state/checkpoint.json
        dead_letter:
          directory: \(output)/state/dead-letter
        sinks:
          - name: archive
            type: file
            format: ecs
            directory: \(output)/archive
            rotate: { max_bytes: 1MiB, max_age: 1m }
            retention: { max_files: 100 }
        log:
          level: warning
        """
    }

    func run() async throws {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        LoggingSetup.bootstrap(level: "warning", format: "logfmt")
        let logger = Logger(label: "demo")
        try await CommandSupport.withExitCodes {
            let mock = try await MockComplianceAPI.bind(
                configuration: .init(
                    backlog: 300,
                    backlogSpan: .seconds(3000),
                    liveRate: 3,
                    lateFraction: 0.1,
                    maximumLateness: .seconds(20)
                ),
                logger: logger
            )
            let configuration = try ConfigurationLoader.load(
                yaml: Self.yaml(baseURL: mock.baseURL, output: output),
                baseDirectory: ".",
                environment: [:]
            )
            let console: [any Sink] = quiet ? [] : [ConsoleSink(name: "terminal", encoder: EventEncoder(format: .cef))]
            let parts = try ForwarderRuntime.make(configuration: configuration, extraSinks: console, logger: logger)
            // Written unbuffered: the terminal sink writes to the same descriptor right after.
            FileHandle.standardOutput.write(
                Data(
                    """
                    demo: mock Compliance API on \(mock.baseURL) (300 past activities, 3 new per second, 10% visible late)
                    demo: archive (ECS, gzip) in \(output)/archive, checkpoint in \(output)/state; CEF lines below. Ctrl-C to stop.


                    """.utf8
                )
            )
            let group = ServiceGroup.forwarder(
                services: [
                    .init(service: mock),
                    .init(service: parts.pipeline, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                grace: .seconds(10),
                logger: logger
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                if let seconds {
                    tasks.addTask {
                        try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                        await group.triggerGracefulShutdown()
                    }
                }
                try await tasks.next()
                tasks.cancelAll()
            }
            Self.printSummary(registry: registry, parts: parts, mock: mock, output: output)
        }
    }

    static func printSummary(
        registry: PrometheusCollectorRegistry,
        parts: ForwarderRuntime.Assembly,
        mock: MockComplianceAPI,
        output: String
    ) {
        let metrics = PrometheusText(registry.emitToString())
        let committed = parts.pipeline.checkpointer.committed
        print(
            """

            demo summary
              activities fetched:      \(metrics.sum("compliance_forwarder_activities_fetched_total"))
              delivered to archive:    \(metrics.sum("compliance_forwarder_events_delivered_total", sink: "archive"))
              late arrivals recovered: \(metrics.sum("compliance_forwarder_late_arrivals_total"))
              duplicates suppressed:   \(metrics.sum("compliance_forwarder_duplicates_suppressed_total"))
              own API calls (tagged):  \(metrics.sum("compliance_forwarder_self_generated_total"))
              API requests:            \(mock.requestCount)
              checkpoint cursor:       \(committed.cursor ?? "-") (\(committed.cursorCreatedAt?.description ?? "-"))
              archive:                 \(output)/archive  (zcat \(output)/archive/*.gz | head)
            """
        )
    }
}

/// Reads values out of the Prometheus text format (for the demo's summary).
struct PrometheusText {
    let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    func sum(_ name: String, sink: String? = nil) -> Int {
        var total = 0.0
        for line in lines where line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
            if let sink, !line.contains("sink=\"\(sink)\"") { continue }
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total += value }
        }
        return Int(total)
    }
}
