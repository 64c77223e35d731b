import Foundation

extension ConfigurationLoader {
    static let stateKeys = ["backend", "url", "password", "password_file", "tls", "schema", "name", "timeout", "lease"]

    /// `state`, absent for the file backend.
    static func readState(_ root: ConfigurationMapping) -> ForwarderConfiguration.State {
        guard let state = root.mapping("state", allowedKeys: stateKeys) else { return .init() }
        let backend = state.string("backend", default: "file")
        switch backend {
        case "file":
            for key in stateKeys where key != "backend" && state.has(key) {
                state.error(key, "applies to backend: postgres only")
            }
            return .init()
        case "postgres":
            return readPostgres(state).map { .init(backend: .postgres($0)) } ?? .init()
        default:
            state.error("backend", "expected file | postgres, got \"\(backend)\"")
            return .init()
        }
    }

    private static func readPostgres(_ state: ConfigurationMapping) -> ForwarderConfiguration.State.Postgres? {
        typealias Postgres = ForwarderConfiguration.State.Postgres
        guard state.has("url") else {
            state.missing("url", "the database, e.g. postgres://forwarder@db.example.com:5432/compliance")
            return nil
        }
        let password = state.secret("password", fileKey: "password_file", required: false, rule: .text)
        let tls = readPostgresTLS(state)
        let schema = state.string("schema", default: Postgres.defaultSchema)
        if !Postgres.isPlainIdentifier(schema) {
            state.error("schema", "must be lower-case letters, digits and underscores, starting with a letter or _")
        }
        let name = state.string("name", default: Postgres.defaultName)
        if name.isEmpty || name.count > 200 { state.error("name", "must be 1 to 200 characters") }
        let timeout = state.duration("timeout", default: Postgres.defaultTimeout, positive: true)
        let lease = readLease(state)
        guard var postgres = postgresURL(state) else { return nil }
        postgres.password = password.map(Secret.init)
        postgres.tls = tls
        postgres.schema = schema
        postgres.name = name
        postgres.timeout = timeout
        postgres.lease = lease
        if lease.duration <= timeout * 2 {
            state.error(
                "timeout",
                "must be under half of lease.duration (\(lease.duration)), or one slow answer could outlive the lease"
            )
        }
        return postgres
    }

    /// `postgres://user@host[:port]/database`, without a password (it would sit in the file and
    /// in every message that quotes the URL) or parameters (they have keys of their own).
    private static func postgresURL(_ state: ConfigurationMapping) -> ForwarderConfiguration.State.Postgres? {
        guard let text = state.string("url")?.trimmingWhitespace() else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql", let host = components.host, !host.isEmpty
        else {
            state.error("url", "expected postgres://user@host:port/database")
            return nil
        }
        if components.password != nil {
            state.error("url", "must not contain a password; use password: ${VARIABLE} or password_file")
            return nil
        }
        if components.query != nil || components.fragment != nil {
            state.error("url", "must not contain ?parameters; use the keys tls, schema and timeout")
            return nil
        }
        guard let user = components.user, !user.isEmpty else {
            state.error("url", "must name the user, e.g. postgres://forwarder@\(host)/compliance")
            return nil
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            state.error("url", "must name the database after the host, e.g. postgres://\(user)@\(host)/compliance")
            return nil
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            state.error("url", "port must be 1-65535")
            return nil
        }
        return .init(host: host, port: port, user: user, database: database)
    }

    private static func readPostgresTLS(_ state: ConfigurationMapping) -> ForwarderConfiguration.State.TLS {
        guard let tls = state.mapping("tls", allowedKeys: ["mode", "ca_file"]) else { return .init() }
        let mode: ForwarderConfiguration.State.TLS.Mode = tls.choice("mode", default: .verifyFull)
        let caFile = tls.existingFile("ca_file")
        if caFile != nil, mode != .verifyFull {
            tls.error("ca_file", "is used only with mode: verify-full")
        }
        return .init(mode: mode, caFile: caFile)
    }

    private static func readLease(_ state: ConfigurationMapping) -> LeaseStateMachine.Configuration {
        let defaults = LeaseStateMachine.Configuration()
        guard let lease = state.mapping("lease", allowedKeys: ["duration", "renew", "fencing_margin"]) else {
            return defaults
        }
        let configuration = LeaseStateMachine.Configuration(
            duration: lease.duration("duration", default: defaults.duration, positive: true),
            renewInterval: lease.duration("renew", default: defaults.renewInterval, positive: true),
            fencingMargin: lease.duration("fencing_margin", default: defaults.fencingMargin, positive: true),
            retryInterval: defaults.retryInterval
        )
        if let problem = configuration.validate() { lease.error("duration", problem) }
        return configuration
    }
}
