import ComplianceAPI
import ForwarderCore
import Logging
import MockComplianceAPI
import Prometheus
import ServiceLifecycle
import Testing

@testable import Forwarder

/// The observability server in-process: routes, readiness reasons, and a shutdown that does not
/// wait for keep-alive clients.
@Suite struct HealthServerTests {
    static func readiness(
        baseURL: String,
        directory: TemporaryDirectory,
        sinks: [(name: String, health: SinkHealth)]
    ) -> (Readiness, ComplianceClient) {
        let client = ComplianceClient(
            configuration: .init(
                baseURL: baseURL,
                apiKey: APIKey("sk-ant-api01-readiness"),
                requestTimeout: .seconds(10)
            )
        )
        let path = directory.path + "/state/checkpoint.json"
        let checkpointer = Checkpointer(
            store: CheckpointStore(path: path),
            initial: CheckpointState(start: .now),
            sinkNames: sinks.map(\.name),
            horizon: .seconds(60),
            clock: SystemAPIClock(),
            logger: Logger(label: "test")
        )
        let readiness = Readiness(client: client, checkpointer: checkpointer, checkpointPath: path, sinks: sinks)
        return (readiness, client)
    }

    @Test func readinessNamesEachUnmetCondition() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let health = SinkHealth(sink: "siem")
        try await MockComplianceAPI.withRunning { mock in
            let (readiness, client) = Self.readiness(
                baseURL: mock.baseURL,
                directory: directory,
                sinks: [("siem", health)]
            )
            #expect(readiness.problems() == ["source: no request has succeeded yet"])
            _ = try await client.fetchPageOnce(ActivityQuery(limit: 1))
            #expect(readiness.problems().isEmpty)
            health.markUnhealthy("connect_failed: cannot connect to 127.0.0.1:1")
            #expect(readiness.problems() == ["sink siem: connect_failed: cannot connect to 127.0.0.1:1"])
            health.markHealthy()
            #expect(readiness.problems().isEmpty)
        }
        let (unreachable, client) = Self.readiness(baseURL: "http://127.0.0.1:1", directory: directory, sinks: [])
        await #expect(throws: ComplianceAPIError.self) { try await client.fetchPageOnce(ActivityQuery(limit: 1)) }
        #expect(
            unreachable.problems().first?.hasPrefix("source: last request failed: Compliance API error (transport)")
                == true
        )
    }

    /// With the PostgreSQL backend a standby is ready while it reaches the database; the
    /// pipeline's conditions apply from the moment it leads.
    @Test func readinessFollowsTheLeaseRole() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, client) = Self.readiness(baseURL: "http://127.0.0.1:1", directory: directory, sinks: [])
        let lease = LeaseStatus()
        let readiness = Readiness(sources: [(nil, client)], lease: lease)
        #expect(readiness.problems() == ["state: the database has not been reached yet"])
        lease.databaseReached()
        #expect(readiness.problems().isEmpty, "a standby that reaches the database is ready")
        lease.databaseFailed("cannot renew the lease: connection refused")
        #expect(readiness.problems() == ["state: cannot renew the lease: connection refused"])
        lease.databaseReached()

        lease.leading(epoch: 7)
        #expect(readiness.problems() == ["source: no request has succeeded yet"], "a leader is judged by its pipeline")
        let health = SinkHealth(sink: "siem")
        let checkpointer = Checkpointer(
            store: CheckpointStore(path: directory.path + "/cp.json"),
            initial: CheckpointState(start: .now),
            sinkNames: ["siem"],
            horizon: .seconds(60),
            clock: SystemAPIClock(),
            logger: Logger(label: "test")
        )
        readiness.attach(checkpointers: [checkpointer], sinks: [("siem", health)])
        health.markUnhealthy("connect_failed")
        #expect(readiness.problems().contains("sink siem: connect_failed"))
        lease.standingBy()
        readiness.detach()
        #expect(readiness.problems().isEmpty, "back to standby: the pipeline is gone")
        #expect(lease.role == .standby)
    }

    @Test func gracefulShutdownClosesKeepAliveConnections() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (readiness, _) = Self.readiness(baseURL: "http://127.0.0.1:1", directory: directory, sinks: [])
        let server = try await HealthServer.bind(
            listen: .init(host: "127.0.0.1", port: 0),
            registry: PrometheusCollectorRegistry(),
            readiness: readiness,
            logger: Logger(label: "test")
        )
        #expect(server.address.port != 0, "port 0 resolves to the bound port")
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let client = ObservabilityClient(port: server.address.port)
            #expect(try await client.request("/readyz").status == 503, "no source request yet")
            #expect(try await client.request("/healthz", method: .HEAD).status == 200)
            let connection = try await client.connect()
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                let first = try await ObservabilityClient.exchange("/healthz", inbound: &iterator, outbound: outbound)
                #expect(first.status == 200 && first.body == "ok\n")
                // The connection is idle and kept alive; shutdown must close it, not wait for it.
                await group.triggerGracefulShutdown()
                let closed = try? await iterator.next()
                #expect(closed == nil, "the server closed the idle keep-alive connection")
            }
            try await tasks.waitForAll()
        }
    }
}
