import ComplianceAPI
import Foundation
import Logging
import MockComplianceAPI
import Testing

@testable import Forwarder
@testable import ForwarderCore

/// `check` and `checkpoint show|reset|migrate` with `state.backend: postgres`, as an operator runs
/// them, against a real PostgreSQL.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StateCommandTests {
    static func writeConfig(
        _ directory: TemporaryDirectory,
        server: PostgresTestServer,
        baseURL: String = "http://127.0.0.1:9"
    ) throws -> String {
        let yaml = """
            source:
              base_url: \(baseURL)
              api_key: sk-ant-api01-state-commands
            state:
              backend: postgres
              url: postgres://forwarder@127.0.0.1:\(server.port)/forwarder
              password: ${PG_PASSWORD}
              name: main
            checkpoint:
              path: \(directory.path)/state/checkpoint.json
            sinks:
              - { name: out, type: file, directory: \(directory.path)/out }
            """
        let path = directory.path + "/forwarder.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func run(_ arguments: [String], _ server: PostgresTestServer) async throws -> (Int32, String) {
        let (status, output) = try await ForwarderProcess.run(arguments, environment: ["PG_PASSWORD": server.password])
        #expect(!output.contains(server.password), "the database password never shows")
        return (status, output)
    }

    @Test func migrateImportsTheFileAndShowAndResetUseTheDatabase() async throws {
        guard PostgresTestServer.available(), ForwarderProcess.isBuilt else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try PostgresTestServer()
        defer { server.tearDown() }
        let config = try Self.writeConfig(directory, server: server)
        let fileState = PostgresStateStoreTests.state(cursor: "activity_from_file", second: 7)
        try CheckpointStore(path: directory.path + "/state/checkpoint.json").save(fileState)

        let (shownEmpty, emptyText) = try await Self.run(["checkpoint", "show", "--config", config], server)
        #expect(shownEmpty == 0)
        #expect(emptyText.contains("no checkpoint at postgres"), "\(emptyText)")

        let (migrated, migrateText) = try await Self.run(
            ["checkpoint", "migrate", "--to", "postgres", "--config", config],
            server
        )
        #expect(migrated == 0, "\(migrateText)")
        #expect(migrateText.contains("cursor activity_from_file"))
        try await server.withSession { session in
            let store = try PostgresStateStoreTests.store(session, holder: "observer")
            #expect(try await store.load() == fileState, "the row holds the file's state")
        }

        let (again, againText) = try await Self.run(
            ["checkpoint", "migrate", "--to", "postgres", "--config", config],
            server
        )
        #expect(again == ForwarderExitCode.dataInvalid.rawValue, "a second import is refused: \(againText)")
        #expect(againText.contains("already has a checkpoint"))

        let (shown, showText) = try await Self.run(["checkpoint", "show", "--config", config], server)
        #expect(shown == 0)
        #expect(showText.contains("cursor:            activity_from_file"), "\(showText)")
        #expect(showText.contains("lease: never taken"))

        // While a replica holds the lease, an operator's write is refused: it would be undone.
        try await server.withSession { session in
            let store = try PostgresStateStoreTests.store(session, holder: "replica-a")
            _ = try #require(try await store.acquireLease(duration: .seconds(60)))
            let (refused, refusedText) = try await Self.run(
                ["checkpoint", "reset", "--since", "2026-01-01T00:00:00Z", "--config", config],
                server
            )
            #expect(refused == ForwarderExitCode.temporaryFailure.rawValue, "\(refusedText)")
            #expect(refusedText.contains("replica-a holds the lease"))
            let (held, heldText) = try await Self.run(["checkpoint", "show", "--config", config], server)
            #expect(held == 0)
            #expect(heldText.contains("lease: held by replica-a"), "\(heldText)")
            let epoch = try #require(try await store.inspect().lease?.epoch)
            try await store.releaseLease(epoch: epoch)
        }

        let (reset, resetText) = try await Self.run(
            ["checkpoint", "reset", "--since", "2026-01-01T00:00:00Z", "--config", config],
            server
        )
        #expect(reset == 0, "\(resetText)")
        try await server.withSession { session in
            let store = try PostgresStateStoreTests.store(session, holder: "observer")
            let state = try #require(try await store.load())
            #expect(state.cursor == nil)
            #expect(state.start == RFC3339Timestamp("2026-01-01T00:00:00Z"))
        }
    }

    @Test func checkProbesTheDatabaseReadOnly() async throws {
        guard PostgresTestServer.available(), ForwarderProcess.isBuilt else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try PostgresTestServer()
        defer { server.tearDown() }
        try await MockComplianceAPI.withRunning(configuration: .init()) { mock in
            let config = try Self.writeConfig(directory, server: server, baseURL: mock.baseURL)

            let (fresh, freshText) = try await Self.run(["check", "--config", config], server)
            #expect(fresh == 0, "\(freshText)")
            #expect(freshText.contains("no tables yet (run creates them)"), "\(freshText)")
            #expect(!freshText.contains("checkpoint  "), "no local checkpoint directory with postgres")
            try await server.withSession { session in
                let inspection = try await PostgresStateStoreTests.store(session, holder: "observer").inspect()
                #expect(inspection.schemaVersion == nil, "check created nothing")
            }

            try await server.withSession { session in
                let store = try PostgresStateStoreTests.store(session, holder: "replica-a")
                try await store.migrate()
                _ = try #require(try await store.acquireLease(duration: .seconds(60)))
            }
            let (held, heldText) = try await Self.run(["check", "--config", config], server)
            #expect(held == 0, "\(heldText)")
            #expect(heldText.contains("schema compliance_forwarder version 1; lease main held by replica-a"))

            server.stop()
            let (down, downText) = try await Self.run(["check", "--config", config, "--timeout", "2"], server)
            #expect(down == ForwarderExitCode.unavailable.rawValue, "\(downText)")
            #expect(downText.contains("FAIL  state (postgres)"), "\(downText)")
        }
    }

    /// With several sources and the PostgreSQL backend, each source commits its own row
    /// (`<name>/<source>`) under the one lease, and `checkpoint show` prints each.
    @Test func severalSourcesCommitTheirOwnRowsUnderOneLease() async throws {
        guard PostgresTestServer.available(), ForwarderProcess.isBuilt else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try PostgresTestServer()
        defer { server.tearDown() }
        try await MockComplianceAPI.withRunning(configuration: PipelineSinkTests.mockConfiguration(backlog: 1_500)) {
            first in
            try await MockComplianceAPI.withRunning(
                configuration: PipelineSinkTests.mockConfiguration(backlog: 700)
            ) { second in
                let start = RFC3339Timestamp.now.adding(.seconds(-8 * 3600)).wireText
                let yaml = """
                    sources:
                      - { name: org-a, base_url: "\(first.baseURL)", api_key: sk-ant-api01-a, start: "\(start)", poll_interval: 200ms }
                      - { name: org-b, base_url: "\(second.baseURL)", api_key: sk-ant-api01-b, start: "\(start)", poll_interval: 200ms }
                    state:
                      backend: postgres
                      url: postgres://forwarder@127.0.0.1:\(server.port)/forwarder
                      password: ${PG_PASSWORD}
                      name: main
                      lease: { duration: 3s, renew: 1s, fencing_margin: 1s }
                      timeout: 1s
                    checkpoint: { path: \(directory.path)/state/checkpoint.json, flush_interval: 200ms }
                    sinks:
                      - { name: out, type: file, directory: \(directory.path)/out }
                    server: { enabled: false }
                    """
                let config = directory.path + "/forwarder.yaml"
                try yaml.write(toFile: config, atomically: true, encoding: .utf8)
                let log = URL(fileURLWithPath: directory.path + "/run.log")
                let process = try ForwarderProcess.start(
                    ["run", "--config", config],
                    output: log,
                    environment: ["PG_PASSWORD": server.password]
                )
                defer { process.signal(SIGKILL) }
                try await server.withSession { session in
                    let store = try PostgresStateStoreTests.store(session, holder: "observer")
                    let both = try await eventuallyAsync(timeout: .seconds(60)) {
                        let a = try? await store.load(source: "org-a")?.cursor
                        let b = try? await store.load(source: "org-b")?.cursor
                        return a == first.allIDs().last && b == second.allIDs().last
                    }
                    #expect(
                        both,
                        "each source's row reaches its own last id\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")"
                    )
                }
                process.signal(SIGTERM)
                #expect(try await process.waitForExit() == 0)
                let (shown, text) = try await Self.run(["checkpoint", "show", "--config", config], server)
                #expect(shown == 0)
                #expect(text.contains("checkpoint name main/org-a"), "\(text)")
                #expect(text.contains("cursor:            \(second.allIDs().last ?? "-")"), "\(text)")
            }
        }
    }
}
