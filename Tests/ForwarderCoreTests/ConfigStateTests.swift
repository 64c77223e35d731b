import Testing

@testable import ForwarderCore

/// The `state` section: the file backend by default, PostgreSQL read and checked.
@Suite struct ConfigStateTests {
    static func yaml(_ state: String, checkpoint: String = "") -> String {
        """
        source: { api_key: sk-ant-api01-x }
        \(checkpoint)
        state:
        \(state.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        sinks:
          - { name: out, type: file, directory: out }
        """
    }

    @Test func fileIsTheDefault() throws {
        try withTemporaryDirectory { directory in
            let loaded = try load(
                "source: { api_key: sk-ant-api01-x }\ncheckpoint: { path: cp.json }\nsinks: [{ name: out, type: file, directory: out }]",
                in: directory
            )
            #expect(loaded.configuration.state.backend == .file)
        }
    }

    @Test func postgresIsReadWithDefaultsAndNoCheckpointPath() throws {
        try withTemporaryDirectory { directory in
            let loaded = try load(
                Self.yaml(
                    """
                    backend: postgres
                    url: postgres://forwarder@db.example.com/compliance
                    password: ${PG_PASSWORD}
                    """
                ),
                in: directory,
                environment: ["PG_PASSWORD": "pg-secret-value"]
            )
            guard case .postgres(let postgres) = loaded.configuration.state.backend else {
                Issue.record("not postgres")
                return
            }
            #expect(postgres.host == "db.example.com")
            #expect(postgres.port == 5432)
            #expect(postgres.user == "forwarder")
            #expect(postgres.database == "compliance")
            #expect(postgres.password?.withValue { $0 } == "pg-secret-value")
            #expect(postgres.tls.mode == .disable)
            #expect(postgres.schema == "compliance_forwarder")
            #expect(postgres.name == "default")
            #expect(postgres.lease == LeaseStateMachine.Configuration())
            // Without checkpoint.path the file is only where `checkpoint migrate` would look.
            #expect(loaded.configuration.checkpoint.path == directory + "/state/checkpoint.json")
            let summary = loaded.configuration.summary
            #expect(summary.contains("postgres forwarder@db.example.com:5432/compliance"))
            #expect(summary.contains("password set"))
            #expect(!summary.contains("pg-secret-value"))
            #expect("\(loaded.configuration)".contains("pg-secret-value") == false)
        }
    }

    @Test func everyPostgresKeyIsRead() throws {
        try withTemporaryDirectory { directory in
            let ca = try writeFile("ca.pem", in: directory)
            try writeFile("pg-password", in: directory, contents: "from-file\n")
            let loaded = try load(
                Self.yaml(
                    """
                    backend: postgres
                    url: postgresql://svc@10.0.0.5:6432/audit
                    password_file: pg-password
                    tls: { mode: verify-full, ca_file: ca.pem }
                    schema: forwarder_eu
                    name: org-eu
                    timeout: 3s
                    lease: { duration: 30s, renew: 10s, fencing_margin: 5s }
                    """
                ),
                in: directory
            )
            guard case .postgres(let postgres) = loaded.configuration.state.backend else {
                Issue.record("not postgres")
                return
            }
            #expect(postgres.port == 6432)
            #expect(postgres.password?.withValue { $0 } == "from-file")
            #expect(postgres.tls == .init(mode: .verifyFull, caFile: ca))
            #expect(postgres.schema == "forwarder_eu")
            #expect(postgres.name == "org-eu")
            #expect(postgres.timeout == .seconds(3))
            #expect(postgres.lease.duration == .seconds(30))
            #expect(postgres.lease.renewInterval == .seconds(10))
            #expect(postgres.lease.fencingMargin == .seconds(5))
        }
    }

    @Test(arguments: [
        ("backend: redis", "state.backend: expected file | postgres"),
        ("backend: postgres", "state.url: required"),
        ("backend: file\nurl: postgres://a@b/c", "state.url: applies to backend: postgres only"),
        ("backend: postgres\nurl: mysql://a@b/c", "state.url: expected postgres://user@host:port/database"),
        ("backend: postgres\nurl: postgres://a:hunter2@b/c", "state.url: must not contain a password"),
        ("backend: postgres\nurl: postgres://b/c", "state.url: must name the user"),
        ("backend: postgres\nurl: postgres://a@b", "state.url: must name the database"),
        ("backend: postgres\nurl: postgres://a@b/c?sslmode=require", "state.url: must not contain ?parameters"),
        ("backend: postgres\nurl: postgres://a@b/c\nschema: Public", "state.schema: must be lower-case"),
        ("backend: postgres\nurl: postgres://a@b/c\ntls: { mode: prefer }", "state.tls.mode"),
        ("backend: postgres\nurl: postgres://a@b/c\nlease: { duration: 5s, renew: 4s }", "state.lease.duration"),
        ("backend: postgres\nurl: postgres://a@b/c\ntimeout: 10s", "state.timeout: must be under half"),
        ("backend: postgres\nurl: postgres://a@b/c\nlease: { period: 5s }", "state.lease.period"),
    ])
    func mistakesAreNamed(state: String, expected: String) throws {
        try withTemporaryDirectory { directory in
            let found = problems(Self.yaml(state, checkpoint: "checkpoint: { path: cp.json }"), in: directory)
            #expect(
                found.contains { "\($0)".contains(expected) },
                "\(found.map { "\($0)" }) should contain \(expected)"
            )
            #expect(!found.contains { "\($0)".contains("hunter2") })
        }
    }

    @Test func theFileBackendStillNeedsTheCheckpointPath() throws {
        try withTemporaryDirectory { directory in
            let found = problems(Self.yaml("backend: file"), in: directory)
            #expect(found.contains { "\($0)".contains("checkpoint") })
        }
    }
}
