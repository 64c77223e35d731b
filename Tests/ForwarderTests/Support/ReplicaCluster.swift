import ComplianceAPI
import ForwarderCore
import Foundation
import Logging
import MockComplianceAPI
import Testing

@testable import Forwarder

/// Forwarder processes sharing one configuration (`state.backend: postgres`) against the mock,
/// a webhook and a PostgreSQL server of the test's own. Each process gets its own API key
/// through the environment, so the mock's request log says which process fetched.
final class ReplicaCluster: @unchecked Sendable {
    struct Replica {
        var process: ForwarderProcess
        var key: String
        var pid: Int32 { process.process.processIdentifier }
    }

    static let lease = (duration: Duration.seconds(3), renew: Duration.seconds(1))

    let server: PostgresTestServer
    let mock: MockComplianceAPI
    let directory: TemporaryDirectory
    let configPath: String
    let log: URL
    private(set) var replicas: [Replica] = []
    private var started = 0

    init(server: PostgresTestServer, mock: MockComplianceAPI, webhook: String, directory: TemporaryDirectory) throws {
        self.server = server
        self.mock = mock
        self.directory = directory
        configPath = directory.path + "/forwarder.yaml"
        log = URL(fileURLWithPath: directory.path + "/replicas.log")
        let start = RFC3339Timestamp.now.adding(.seconds(-8 * 3600)).wireText
        let yaml = """
            source:
              base_url: \(mock.baseURL)
              api_key: ${REPLICA_KEY}
              start: \(start)
              page_size: 500
              poll_interval: 300ms
              lookback: 1m
              budget: { max_requests_per_minute: 600, reserve_fraction: 0 }
            state:
              backend: postgres
              url: postgres://forwarder@127.0.0.1:\(server.port)/forwarder
              password: ${PG_PASSWORD}
              timeout: 1s
              lease: { duration: 3s, renew: 1s, fencing_margin: 1s }
            checkpoint:
              flush_interval: 200ms
            dead_letter:
              directory: \(directory.path)/dead-letter
            pipeline:
              channel: { max_events: 2000 }
              shutdown_grace: 20s
            sinks:
              - name: siem
                type: http
                mode: webhook
                format: ecs
                url: \(webhook)/ingest
                retry: { initial_backoff: 50ms, max_backoff: 500ms }
            server:
              listen: 127.0.0.1:0
            log:
              level: info
              format: json
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts one more replica with a key of its own.
    @discardableResult
    func startReplica() throws -> Replica {
        started += 1
        let key = "sk-ant-api01-replica\(started)"
        let process = try ForwarderProcess.start(
            ["run", "--config", configPath],
            output: log,
            environment: ["REPLICA_KEY": key, "PG_PASSWORD": server.password]
        )
        let replica = Replica(process: process, key: key)
        replicas.append(replica)
        return replica
    }

    func remove(_ replica: Replica) {
        replicas.removeAll { $0.pid == replica.pid }
    }

    /// The lease row and the checkpoint row, as an operator would read them.
    func inspect(_ store: PostgresStateStore) async -> (PostgresStateStore.Inspection?, CheckpointState?) {
        let inspection = try? await store.inspect()
        let state = inspection?.checkpointWritten == nil ? nil : try? await store.load()
        return (inspection, state)
    }

    /// The replica holding a live lease, once one does.
    func leader(_ store: PostgresStateStore, newerThan epoch: Int64 = 0) async throws -> (Replica, Int64)? {
        var found: (Replica, Int64)?
        _ = try await eventuallyAsync(timeout: .seconds(60), every: .milliseconds(50)) {
            guard let lease = try? await store.inspect().lease, lease.isLive, lease.epoch > epoch,
                let replica = self.replicas.first(where: { lease.holder.contains("/\($0.pid)/") })
            else { return false }
            found = (replica, lease.epoch)
            return true
        }
        return found
    }

    /// Which keys fetched, in order, as runs of consecutive requests with the same key.
    func fetchRuns(after: RFC3339Timestamp? = nil) -> [(key: String, count: Int)] {
        var runs: [(key: String, count: Int)] = []
        for entry in mock.requestLog where after.map({ entry.at >= $0 }) ?? true {
            let key = entry.apiKey ?? "-"
            if runs.last?.key == key {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((key, 1))
            }
        }
        return runs
    }

    func stopAll() async throws -> [Int32?] {
        for replica in replicas { replica.process.signal(SIGTERM) }
        var statuses: [Int32?] = []
        for replica in replicas { statuses.append(try await replica.process.waitForExit(timeout: .seconds(60))) }
        return statuses
    }

    func killAll() {
        for replica in replicas { replica.process.signal(SIGKILL) }
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Runs `body` with the mock, the webhook, PostgreSQL and a cluster with no replica yet.
    static func with(
        backlog: Int,
        liveRate: Double,
        _ body: (ReplicaCluster, PostgresStateStore, ArchiveAnchorTests.WebhookRecorder) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try PostgresTestServer()
        defer { server.tearDown() }
        let now = RFC3339Timestamp.now
        let configuration = MockComplianceAPI.Configuration(
            backlog: backlog,
            backlogSpan: .seconds(6 * 3600),
            backlogEnd: now.adding(.seconds(-90)),
            liveRate: liveRate,
            ingestionDelay: .seconds(1),
            lateFraction: 0.05,
            maximumLateness: .seconds(8),
            recordAccess: false,
            rateLimitPerMinute: 6000
        )
        let recorder = ArchiveAnchorTests.WebhookRecorder()
        try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
            try await TestHTTPServer.withRunning(recorder.handle) { webhook in
                let cluster = try ReplicaCluster(
                    server: server,
                    mock: mock,
                    webhook: webhook.baseURL,
                    directory: directory
                )
                defer { cluster.killAll() }
                try await server.withSession { session in
                    let store = try PostgresStateStore(
                        session: session,
                        settings: .init(pipeline: "default", holder: "test-observer"),
                        logger: Logger(label: "test-observer")
                    )
                    try await body(cluster, store, recorder)
                }
            }
        }
    }
}
