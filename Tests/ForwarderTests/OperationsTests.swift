import ComplianceAPI
import Foundation
import MockComplianceAPI
import Synchronization
import Testing

@testable import Forwarder

/// The running binary as a monitoring system and an operator see it: `/metrics`, `/healthz`,
/// `/readyz`, SIGTERM and SIGHUP.
@Suite(.serialized) struct OperationsTests {
    static let key = "sk-ant-api01-operations-test-key"

    static func writeConfig(
        _ directory: TemporaryDirectory,
        baseURL: String,
        sinks: String? = nil,
        source: String = "api_key: \(OperationsTests.key)"
    ) throws -> String {
        let yaml = """
            source:
              base_url: \(baseURL)
              \(source)
              start: 2020-01-01T00:00:00Z
              poll_interval: 300ms
              lookback: 1m
            checkpoint:
              path: \(directory.path)/state/checkpoint.json
              flush_interval: 100ms
            dead_letter:
              directory: \(directory.path)/state/dead-letter
            sinks:
            \(sinks ?? """
                  - name: archive
                    type: file
                    format: raw
                    directory: \(directory.path)/archive
                """)
            server:
              listen: 127.0.0.1:0
            log:
              level: info
              format: json
            """
        let path = directory.path + "/forwarder.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `run`, waits for the server's port, and always stops the child.
    static func withRunning(
        _ config: String,
        log: URL,
        _ body: (ForwarderProcess, ObservabilityClient) async throws -> Void
    ) async throws {
        let child = try ForwarderProcess.start(["run", "--config", config], output: log)
        defer { if child.process.isRunning { child.signal(SIGKILL) } }
        let port = try #require(try await loggedServerPort(in: log), "no server address in \(log.path)")
        try await body(child, ObservabilityClient(port: port))
    }

    static func insert(_ mock: MockComplianceAPI, count: Int, after base: RFC3339Timestamp) -> [String] {
        (0..<count).map { mock.insert(type: "claude_chat_viewed", createdAt: base.adding(.seconds(Int64($0)))) }
    }

    @Test func metricsExposeTheListedSeriesWithTheRunsCounts() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = RFC3339Timestamp.now.adding(.seconds(-3600))
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            let ids =
                Self.insert(mock, count: 24, after: base) + [
                    mock.insert(type: "a_type_nobody_mapped_yet", createdAt: base.adding(.seconds(100)))
                ]
            let config = try Self.writeConfig(directory, baseURL: mock.baseURL)
            let log = URL(fileURLWithPath: directory.path + "/forwarder.log")
            try await Self.withRunning(config, log: log) { child, client in
                var metrics = PrometheusSamples("")
                let delivered = try await eventuallyAsync {
                    metrics = PrometheusSamples(await client.body("/metrics") ?? "")
                    return metrics.value("compliance_forwarder_events_delivered_total", ["sink": "archive"]) == 25
                        && (metrics.value("compliance_forwarder_checkpoint_lag_seconds") ?? 0) > 0
                }
                #expect(delivered, "\(metrics.lines.joined(separator: "\n"))")
                #expect(metrics.value("compliance_forwarder_activities_fetched_total") == Double(ids.count))
                #expect(metrics.value("compliance_forwarder_events_retried_total", ["sink": "archive"]) == 0)
                #expect(metrics.value("compliance_forwarder_events_dead_lettered_total", ["sink": "archive"]) == 0)
                #expect(metrics.value("compliance_forwarder_late_arrivals_total") == 0)
                #expect(metrics.value("compliance_forwarder_duplicates_suppressed_total") != nil)
                #expect(metrics.value("compliance_forwarder_unknown_activity_types_total") == 1)
                #expect((metrics.value("compliance_forwarder_api_requests_total", ["status": "200"]) ?? 0) >= 1)
                #expect(metrics.value("compliance_forwarder_api_ratelimit_remaining") != nil)
                #expect(metrics.value("compliance_forwarder_channel_depth_events", ["sink": "archive"]) != nil)
                #expect(metrics.value("compliance_forwarder_sink_up", ["sink": "archive"]) == 1)
                // The newest activity is about an hour old, so the checkpoint lags by about that.
                let lag = try #require(metrics.value("compliance_forwarder_checkpoint_lag_seconds"))
                #expect(lag > 3000 && lag < 4000, "lag \(lag)")

                #expect(try await client.request("/healthz").status == 200)
                #expect(try await client.request("/readyz").status == 200)
                #expect(try await client.request("/other").status == 404)
                #expect(try await client.request("/metrics", method: .POST).status == 405)
                child.signal(SIGTERM)
                #expect(try await child.waitForExit() == 0)
            }
        }
    }

    @Test func sigtermDrainsWritesTheCheckpointAndARestartLosesNothing() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = RFC3339Timestamp.now.adding(.seconds(-3600))
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            let first = Self.insert(mock, count: 30, after: base)
            let config = try Self.writeConfig(directory, baseURL: mock.baseURL)
            let log = URL(fileURLWithPath: directory.path + "/forwarder.log")
            try await Self.withRunning(config, log: log) { child, client in
                let delivered = try await eventuallyAsync {
                    PrometheusSamples(await client.body("/metrics") ?? "")
                        .value("compliance_forwarder_events_delivered_total", ["sink": "archive"]) == 30
                }
                #expect(delivered)
                child.signal(SIGTERM)
                #expect(try await child.waitForExit() == 0)
            }
            let checkpoint = try CheckpointStore(path: directory.path + "/state/checkpoint.json").load()
            #expect(checkpoint?.cursor == first.last, "the checkpoint is written on the way out")
            #expect(try directory.files(in: "archive").allSatisfy { !$0.hasSuffix(".tmp") }, "segments finalised")

            let second = Self.insert(mock, count: 20, after: base.adding(.seconds(600)))
            try await Self.withRunning(config, log: log) { child, _ in
                let all = Set(first + second)
                let complete = try await eventually(timeout: .seconds(60), every: .milliseconds(100)) {
                    all.isSubset(of: Set((try? archivedIDs(directory.path + "/archive")) ?? []))
                }
                #expect(complete)
                child.signal(SIGTERM)
                #expect(try await child.waitForExit() == 0)
            }
            let archived = try archivedIDs(directory.path + "/archive")
            #expect(archived.count == 50, "the restart resumed after the checkpoint: nothing lost, nothing repeated")
        }
    }

    @Test func readyzFollowsASinkThatGoesDownAndComesBack() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let down = Atomic<Bool>(false)
        let base = RFC3339Timestamp.now.adding(.seconds(-3600))
        let handler: TestHTTPServer.Handler = { _ in
            down.load(ordering: .relaxed) ? .reply(status: 503) : .reply(status: 200)
        }
        try await TestHTTPServer.withRunning(handler) { receiver in
            try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
                _ = Self.insert(mock, count: 5, after: base)
                let sinks = """
                      - name: hook
                        type: http
                        mode: webhook
                        url: \(receiver.baseURL)/ingest
                        retry: { initial_backoff: 50ms, max_backoff: 200ms }
                    """
                let config = try Self.writeConfig(directory, baseURL: mock.baseURL, sinks: sinks)
                let log = URL(fileURLWithPath: directory.path + "/forwarder.log")
                try await Self.withRunning(config, log: log) { child, client in
                    #expect(try await client.request("/healthz").status == 200)
                    #expect(try await eventuallyAsync { (try? await client.request("/readyz"))?.status == 200 })

                    down.store(true, ordering: .relaxed)
                    _ = Self.insert(mock, count: 5, after: base.adding(.seconds(60)))
                    var reply: ObservabilityClient.Reply?
                    let unready = try await eventuallyAsync {
                        reply = try? await client.request("/readyz")
                        return reply?.status == 503
                    }
                    #expect(unready)
                    #expect(reply?.body.contains("sink hook") == true, "\(reply?.body ?? "-")")
                    #expect(try await client.request("/healthz").status == 200, "alive while not ready")

                    down.store(false, ordering: .relaxed)
                    #expect(try await eventuallyAsync { (try? await client.request("/readyz"))?.status == 200 })
                    child.signal(SIGTERM)
                    #expect(try await child.waitForExit() == 0)
                }
            }
        }
    }

    @Test func sighupRotatesTheArchiveAndReloadsTheKeyFileWithoutStopping() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyFile = directory.path + "/compliance.key"
        try "sk-ant-api01-first-key\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        let base = RFC3339Timestamp.now.adding(.seconds(-3600))
        try await MockComplianceAPI.withRunning(
            configuration: .init(apiKey: "sk-ant-api01-first-key", recordAccess: false)
        ) { mock in
            let first = Self.insert(mock, count: 10, after: base)
            let sinks = """
                  - name: archive
                    type: file
                    format: raw
                    directory: \(directory.path)/archive
                    rotate: { max_bytes: 64MiB, max_age: 1h }
                """
            let config = try Self.writeConfig(
                directory,
                baseURL: mock.baseURL,
                sinks: sinks,
                source: "api_key_file: \(keyFile)"
            )
            let log = URL(fileURLWithPath: directory.path + "/forwarder.log")
            try await Self.withRunning(config, log: log) { child, client in
                #expect(
                    try await eventually { Set((try? archivedIDs(directory.path + "/archive")) ?? []) == Set(first) }
                )
                #expect(try directory.files(in: "archive").allSatisfy { $0.hasSuffix(".tmp") }, "one open segment")

                mock.acceptOnly(apiKeys: ["sk-ant-api01-first-key", "sk-ant-api01-second-key"])
                try "sk-ant-api01-second-key\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
                child.signal(SIGHUP)
                #expect(
                    try await eventually {
                        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("Compliance API key reloaded")
                    }
                )
                // From here the old key gets 404, which would stop the run with exit 69.
                mock.acceptOnly(apiKeys: ["sk-ant-api01-second-key"])
                let second = Self.insert(mock, count: 10, after: base.adding(.seconds(60)))
                #expect(
                    try await eventually {
                        Set((try? archivedIDs(directory.path + "/archive")) ?? []) == Set(first + second)
                    }
                )
                let files = try directory.files(in: "archive")
                #expect(files.contains { !$0.hasSuffix(".tmp") }, "the segment open at SIGHUP was finalised: \(files)")
                #expect(child.process.isRunning, "SIGHUP does not stop the process")
                #expect(try await client.request("/healthz").status == 200)
                child.signal(SIGTERM)
                #expect(try await child.waitForExit() == 0)
            }
            let output =
                (try? String(contentsOf: URL(fileURLWithPath: directory.path + "/forwarder.log"), encoding: .utf8))
                ?? ""
            #expect(!output.contains("second-key") && !output.contains("first-key"), "keys never logged")
        }
    }

    @Test func aPortInUseStopsRunWith78ButNotABackfill() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = RFC3339Timestamp.now.adding(.seconds(-3600))
        let accept: TestHTTPServer.Handler = { _ in .reply(status: 200) }
        try await TestHTTPServer.withRunning(accept) { holder in
            try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
                let ids = Self.insert(mock, count: 5, after: base)
                let path = try Self.writeConfig(directory, baseURL: mock.baseURL)
                let yaml = try String(contentsOfFile: path, encoding: .utf8)
                try yaml.replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(holder.port)")
                    .write(toFile: path, atomically: true, encoding: .utf8)

                let run = try await ForwarderProcess.run(["run", "--config", path])
                #expect(run.status == 78, "\(run.output)")
                #expect(run.output.contains("server.listen 127.0.0.1:\(holder.port): cannot listen"))
                #expect(run.output.contains("server.enabled: false"))

                let backfill = try await ForwarderProcess.run(
                    [
                        "backfill", "--config", path, "--since", base.wireText, "--until",
                        base.adding(.seconds(60)).wireText,
                    ]
                )
                #expect(backfill.status == 0, "\(backfill.output)")
                #expect(backfill.output.contains("continuing without the observability server"))
                #expect(try Set(archivedIDs(directory.path + "/archive")) == Set(ids))
            }
        }
    }
}
