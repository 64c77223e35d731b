import ComplianceAPI
import ForwarderCore
import Logging
import PostgresNIO
import Testing

@testable import Forwarder

/// The PostgreSQL state backend against a real server: schema, fenced commits, lease hand-over,
/// corruption, an outage.
@Suite(
    .serialized,
    // A hang in a database client must fail the test, not stall the whole run.
    .timeLimit(.minutes(2)),
    .enabled(if: PostgresTestServer.installed || SyslogReceiver.isCI, Comment(rawValue: PostgresTestServer.skipMessage))
)
struct PostgresStateStoreTests {
    static let logger = Logger(label: "test-pg")

    static func store(_ session: PostgresSession, holder: String) throws -> PostgresStateStore {
        try PostgresStateStore(session: session, settings: .init(pipeline: "main", holder: holder), logger: logger)
    }

    static func state(cursor: String, second: Int64) -> CheckpointState {
        let time = RFC3339Timestamp(secondsSinceEpoch: 1_800_000_000 + second)
        return CheckpointState(
            start: RFC3339Timestamp(secondsSinceEpoch: 1_800_000_000),
            cursor: cursor,
            cursorCreatedAt: time,
            delivered: [cursor: time],
            updatedAt: time
        )
    }

    /// Runs `body` with two replicas' stores, each on its own connection, A's migration done.
    static func withReplicas(
        _ body: (PostgresTestServer, PostgresStateStore, PostgresStateStore) async throws -> Void
    ) async throws {
        let server = try PostgresTestServer()
        defer { server.tearDown() }
        try await server.withSession { sessionA in
            try await server.withSession { sessionB in
                let a = try Self.store(sessionA, holder: "replica-a")
                let b = try Self.store(sessionB, holder: "replica-b")
                try await a.migrate()
                try await body(server, a, b)
            }
        }
    }

    /// Runs `body` with replica A's migrated store on a server of the test's own.
    static func withStore(_ body: (PostgresTestServer, PostgresStateStore) async throws -> Void) async throws {
        let server = try PostgresTestServer()
        defer { server.tearDown() }
        try await server.withSession { session in
            let store = try Self.store(session, holder: "replica-a")
            try await store.migrate()
            try await body(server, store)
        }
    }

    @Test func commitsAreFencedByTheLeaseEpoch() async throws {
        guard PostgresTestServer.available() else { return }
        try await Self.withReplicas { server, a, b in
            try await b.migrate()  // a second migration finds the work done
            #expect(try await a.load() == nil)

            // A leads; B cannot take the lease while it is live.
            let epochA = try #require(try await a.acquireLease(duration: .seconds(60)))
            #expect(try await b.acquireLease(duration: .seconds(30)) == nil)
            let first = Self.state(cursor: "activity_1", second: 1)
            #expect(try await a.commit(first, epoch: epochA))
            #expect(try await b.load() == first)

            // A is paused past its lease: the database's clock passes the expiry (moved there
            // rather than waited for, so a loaded machine cannot change the outcome). An
            // expired lease refuses A's commit even before anyone takes over; B then takes
            // over with the next epoch.
            try await server.execute(
                "UPDATE compliance_forwarder.lease SET expires_at = clock_timestamp() - interval '1 millisecond'"
            )
            #expect(try await a.commit(Self.state(cursor: "activity_late", second: 2), epoch: epochA) == false)
            let epochB = try #require(try await b.acquireLease(duration: .seconds(60)))
            #expect(epochB == epochA + 1)
            #expect(try await b.load() == first)

            // A wakes up: its renewal and its commit are refused, and the checkpoint does not move.
            #expect(try await a.renewLease(epoch: epochA, duration: .seconds(30)) == false)
            #expect(try await a.commit(Self.state(cursor: "activity_stale", second: 2), epoch: epochA) == false)
            #expect(try await b.load() == first)

            // B commits and renews normally.
            let second = Self.state(cursor: "activity_3", second: 3)
            #expect(try await b.commit(second, epoch: epochB))
            #expect(try await b.renewLease(epoch: epochB, duration: .seconds(30)))
            #expect(try await a.load() == second)
        }
    }

    @Test func aReleasedLeaseIsFreeAtOnce() async throws {
        guard PostgresTestServer.available() else { return }
        try await Self.withReplicas { server, a, b in
            let epoch = try #require(try await a.acquireLease(duration: .seconds(60)))
            try await a.releaseLease(epoch: epoch)
            #expect(try await b.acquireLease(duration: .seconds(60)) == epoch + 1)
            // A restarted A (same holder name) is a new life: it waits like anyone else.
            #expect(try await a.acquireLease(duration: .seconds(60)) == nil)
        }
    }

    @Test func aCorruptRowIsALoudErrorNotARestart() async throws {
        guard PostgresTestServer.available() else { return }
        try await Self.withStore { server, store in
            try await store.overwrite(Self.state(cursor: "activity_1", second: 1))
            try await server.execute(
                "UPDATE compliance_forwarder.checkpoint SET state = set_byte(state, 40, get_byte(state, 40) # 1)"
            )
            do throws(StateStoreError) {
                _ = try await store.load()
                Issue.record("a corrupt checkpoint row was loaded")
            } catch {
                #expect(error.code == .corruptCheckpoint)
                #expect(!error.isRetryable)
                #expect(error.message.contains("compliance_forwarder.checkpoint"))
                #expect(error.message.contains("checkpoint reset"))
            }
        }
    }

    @Test func perSinkProgressIsKeptInTheFencedRow() async throws {
        guard PostgresTestServer.available() else { return }
        try await Self.withStore { _, store in
            // A row written before per-sink resume (no progress) loads as before.
            let old = Self.state(cursor: "activity_1", second: 1)
            try await store.overwrite(old)
            #expect(try await store.load()?.sinkProgress.isEmpty == true)

            let epoch = try #require(try await store.acquireLease(duration: .seconds(60)))
            var state = Self.state(cursor: "activity_2", second: 2)
            state.sinkProgress = SinkProgress([
                "archive": ["activity_3": RFC3339Timestamp(secondsSinceEpoch: 1_800_000_003)],
                "siem": ["activity_3": RFC3339Timestamp(secondsSinceEpoch: 1_800_000_003)],
            ])
            let fenced = FencedCheckpoint(store: store, epoch: epoch)
            try await fenced.commit(state)
            #expect(try await fenced.load() == state)
        }
    }

    @Test func aNewerSchemaIsRefused() async throws {
        guard PostgresTestServer.available() else { return }
        try await Self.withStore { server, store in
            try await server.execute("INSERT INTO compliance_forwarder.schema_version (version) VALUES (99)")
            do throws(StateStoreError) {
                try await store.migrate()
                Issue.record("a schema at version 99 was accepted")
            } catch {
                #expect(error.code == .incompatible)
                #expect(error.message.contains("version 99"))
            }
        }
    }

    @Test func anOutageIsRetryableAndLosesNothing() async throws {
        guard PostgresTestServer.available() else { return }
        try await Self.withStore { server, store in
            let epoch = try #require(try await store.acquireLease(duration: .seconds(60)))
            let first = Self.state(cursor: "activity_1", second: 1)
            #expect(try await store.commit(first, epoch: epoch))

            server.stop()
            do throws(StateStoreError) {
                _ = try await store.commit(Self.state(cursor: "activity_2", second: 2), epoch: epoch)
                Issue.record("a commit succeeded with the database stopped")
            } catch {
                #expect(error.code == .unavailable)
                #expect(error.isRetryable)
            }
            try server.start()
            #expect(try await store.load() == first)
            #expect(try await store.commit(Self.state(cursor: "activity_2", second: 2), epoch: epoch))
        }
    }

    @Test func theSchemaNameIsCheckedAndThePasswordNeverShows() async throws {
        #expect(throws: StateStoreError.self) {
            try PostgresStateStore(
                session: PostgresSession(
                    configuration: .init(host: "127.0.0.1", username: "u", password: nil, database: nil, tls: .disable),
                    timeout: .seconds(1),
                    logger: Self.logger
                ),
                settings: .init(schema: "x; DROP TABLE y", pipeline: "main", holder: "a"),
                logger: Self.logger
            )
        }
        guard PostgresTestServer.available() else { return }
        let server = try PostgresTestServer()
        defer { server.tearDown() }
        let wrong = "wrong-\(server.password)-secret"
        try await server.withSession(password: wrong) { session in
            let store = try Self.store(session, holder: "replica-a")
            do throws(StateStoreError) {
                try await store.migrate()
                Issue.record("a wrong password was accepted")
            } catch {
                #expect(error.message.contains("password authentication failed"), "\(error)")
                #expect(!"\(error)".contains(wrong))
            }
        }
    }
}
