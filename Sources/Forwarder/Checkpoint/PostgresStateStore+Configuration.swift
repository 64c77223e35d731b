import ForwarderCore
import Logging
import NIOSSL
import PostgresNIO

extension PostgresSession {
    /// A session for the configured database (`state` with `backend: postgres`).
    ///
    /// - Throws: ``StateStoreError`` `incompatible` when the TLS settings cannot be used (an
    ///   unreadable CA file).
    public init(
        configuration postgres: ForwarderConfiguration.State.Postgres,
        logger: Logger
    ) throws(StateStoreError) {
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = try Self.tls(postgres.tls)
        } catch {
            throw StateStoreError(.incompatible, "state.tls: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: postgres.host,
            port: postgres.port,
            username: postgres.user,
            password: postgres.password?.withValue { $0 },
            database: postgres.database,
            tls: tls
        )
        configuration.options.connectTimeout = .milliseconds(PostgresStateStore.milliseconds(postgres.timeout))
        self.init(configuration: configuration, timeout: postgres.timeout, logger: logger)
    }

    private static func tls(_ tls: ForwarderConfiguration.State.TLS) throws -> PostgresConnection.Configuration.TLS {
        switch tls.mode {
        case .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: configuration))
        case .verifyFull:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            if let caFile = tls.caFile {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            }
            return .require(try NIOSSLContext(configuration: configuration))
        default:
            return .disable
        }
    }
}

extension PostgresStateStore {
    /// The store of the configured database and pipeline name, on a session of its own (close
    /// it with `session.close()`).
    public init(
        configuration postgres: ForwarderConfiguration.State.Postgres,
        holder: String,
        logger: Logger
    ) throws(StateStoreError) {
        try self.init(
            session: PostgresSession(configuration: postgres, logger: logger),
            settings: .init(schema: postgres.schema, pipeline: postgres.name, holder: holder),
            logger: logger
        )
    }

    /// Runs `body` with a store for the configured database, closing its connection afterwards.
    public static func using(
        _ postgres: ForwarderConfiguration.State.Postgres,
        _ body: (PostgresStateStore) async throws -> Void
    ) async throws {
        let store = try PostgresStateStore(
            configuration: postgres,
            holder: "cli/" + LeaseHolder.make(),
            logger: Logger(label: "compliance-forwarder")
        )
        do {
            try await body(store)
        } catch {
            await store.session.close()
            throw error
        }
        await store.session.close()
    }
}
