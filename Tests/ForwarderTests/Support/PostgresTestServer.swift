import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Forwarder

/// A real PostgreSQL server of the test's own on 127.0.0.1, run by `scripts/postgres-server.sh`
/// as an unprivileged user in a temporary directory.
final class PostgresTestServer: Sendable {
    let directory: TemporaryDirectory
    let port: Int
    let password: String
    /// `[certificate, key]` when the server also accepts TLS.
    private let tlsArguments: [String]

    static let script: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("scripts/postgres-server.sh").path
    }()

    /// Whether PostgreSQL is installed. When it is not: skip locally, but fail under CI.
    static let installed: Bool = (try? SyslogReceiver.run([script, "install", "--check"]).status) == 0

    static func available() -> Bool {
        if installed { return true }
        if SyslogReceiver.isCI {
            Issue.record("PostgreSQL is not installed but CI is set: run `scripts/postgres-server.sh install` first")
        }
        return false
    }

    static let skipMessage =
        "PostgreSQL not installed (run `scripts/postgres-server.sh install`); skipped because CI is unset"

    /// Starts a new server on a free port, returning once it accepts connections.
    ///
    /// - Parameter tls: A PEM certificate and key: the server then also accepts TLS.
    init(tls: (certificate: String, key: String)? = nil) throws {
        directory = try TemporaryDirectory()
        tlsArguments = tls.map { [$0.certificate, $0.key] } ?? []
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let result = try SyslogReceiver.run(
                [Self.script, "start", directory.path + "/pg", String(port)] + tlsArguments
            )
            if result.status == 0 {
                self.port = port
                password = (try String(contentsOfFile: directory.path + "/pg/password", encoding: .utf8))
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                return
            }
            lastError = result.output
            _ = try? SyslogReceiver.run([Self.script, "stop", directory.path + "/pg"])
        }
        throw SyslogReceiver.HarnessError("could not start PostgreSQL: \(lastError)")
    }

    /// (Re)starts the server on its port with its data.
    func start() throws {
        let result = try SyslogReceiver.run(
            [Self.script, "start", directory.path + "/pg", String(port)] + tlsArguments
        )
        guard result.status == 0 else { throw SyslogReceiver.HarnessError("restart failed: \(result.output)") }
    }

    func stop() {
        _ = try? SyslogReceiver.run([Self.script, "stop", directory.path + "/pg"])
    }

    func tearDown() {
        stop()
        directory.remove()
    }

    var connectionConfiguration: PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: "127.0.0.1",
            port: port,
            username: "forwarder",
            password: password,
            database: "forwarder",
            tls: .disable
        )
        configuration.options.connectTimeout = .seconds(2)
        return configuration
    }

    /// A session as the forwarder opens one (5 s per operation).
    func session(password: String? = nil) -> PostgresSession {
        var configuration = connectionConfiguration
        if let password { configuration.password = password }
        return PostgresSession(configuration: configuration, timeout: .seconds(5), logger: Logger(label: "test-pg"))
    }

    /// Runs `body` with a new session and closes it afterwards (a connection must be closed
    /// before it is released).
    func withSession<T: Sendable>(
        password: String? = nil,
        _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        let session = session(password: password)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    /// Runs one statement as the test's own superuser (to corrupt or inspect what the store wrote).
    func execute(_ sql: String) async throws {
        let query = PostgresQuery(unsafeSQL: sql)
        try await withSession { session in
            try await session.run { connection in
                _ = try await connection.query(query, logger: Logger(label: "test-pg"))
            }
        }
    }
}
