extension ForwarderConfiguration {
    /// `state`: where the checkpoint lives, and whether replicas share it under a lease.
    public struct State: Sendable, Hashable {
        /// `backend`: `file` (the default: `checkpoint.path` on this host) or `postgres`.
        public var backend: Backend

        /// - Parameter backend: Defaults to the checkpoint file.
        public init(backend: Backend = .file) {
            self.backend = backend
        }

        /// Which store holds the checkpoint.
        public enum Backend: Sendable, Hashable {
            /// `checkpoint.path`: one replica, the state on its disk.
            case file
            /// PostgreSQL: the checkpoint in a table, one active replica under a fenced lease.
            case postgres(Postgres)
        }

        /// `backend: postgres`: the database, the rows and the lease timing.
        public struct Postgres: Sendable, Hashable {
            /// From `url` (`postgres://user@host:port/database`).
            public var host: String
            public var port: Int
            public var user: String
            public var database: String
            /// `password` (usually `${ENV}`) or `password_file`; `nil` for trust or certificate
            /// authentication.
            public var password: Secret?
            /// `tls`: whether and how the connection is encrypted.
            public var tls: TLS
            /// `schema`: where the tables are (created if missing).
            public var schema: String
            /// `name`: the key of the lease and checkpoint rows; replicas with the same name
            /// share one lease, so exactly one of them runs.
            public var name: String
            /// `timeout`: the longest any one database operation may take, connecting included.
            public var timeout: Duration
            /// `lease`: how long a grant holds, how often it is renewed, the fencing margin.
            public var lease: LeaseStateMachine.Configuration

            public static let defaultSchema = "compliance_forwarder"
            public static let defaultName = "default"
            public static let defaultTimeout = Duration.seconds(2)

            public init(
                host: String,
                port: Int = 5432,
                user: String,
                database: String,
                password: Secret? = nil,
                tls: TLS = .init(),
                schema: String = defaultSchema,
                name: String = defaultName,
                timeout: Duration = defaultTimeout,
                lease: LeaseStateMachine.Configuration = .init()
            ) {
                self.host = host
                self.port = port
                self.user = user
                self.database = database
                self.password = password
                self.tls = tls
                self.schema = schema
                self.name = name
                self.timeout = timeout
                self.lease = lease
            }

            /// Whether `name` can be a schema name as written: lower-case letters, digits and
            /// underscores, at most 63 bytes (PostgreSQL's limit), so it needs no quoting.
            public static func isPlainIdentifier(_ name: String) -> Bool {
                guard let first = name.utf8.first, first == UInt8(ascii: "_") || (0x61...0x7A).contains(first),
                    name.utf8.count <= 63
                else { return false }
                return name.utf8.allSatisfy {
                    $0 == UInt8(ascii: "_") || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0)
                }
            }

            /// `host:port/database` for messages (never the password).
            public var redacted: String { "\(user)@\(host):\(port)/\(database)" }
        }

        /// `tls` of the PostgreSQL connection.
        public struct TLS: Sendable, Hashable {
            /// `mode`: `disable`, `require` (encrypted, certificate not checked) or `verify-full`
            /// (the certificate chains to `ca_file` or the system roots and names the host).
            public var mode: Mode
            /// `ca_file`: PEM roots for `verify-full`; the system's roots when absent.
            public var caFile: String?

            public init(mode: Mode = .disable, caFile: String? = nil) {
                self.mode = mode
                self.caFile = caFile
            }

            /// The TLS modes, spelled as libpq's `sslmode` spells them.
            public struct Mode: ConfigurationChoice {
                public let name: String
                private init(_ name: String) { self.name = name }

                public static let disable = Mode("disable")
                public static let require = Mode("require")
                public static let verifyFull = Mode("verify-full")
                public static let allCases: [Mode] = [.disable, .require, .verifyFull]
            }
        }
    }
}
