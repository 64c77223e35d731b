extension ForwarderConfiguration {
    /// `tls`: client TLS settings for syslog and HTTP sinks.
    public struct TLS: Sendable, Hashable {
        /// `ca_file`: PEM bundle of trusted CAs; `nil` uses the system trust store.
        public var caFile: String?
        /// `cert_file`: PEM client certificate (mutual TLS); set together with ``keyFile``.
        public var certFile: String?
        /// `key_file`: PEM private key for ``certFile``.
        public var keyFile: String?
        /// `server_name`: the name to verify and send as SNI; defaults to the address's host.
        public var serverName: String?
        /// `verify`: check the server's certificate chain and name. Turn off only in a lab.
        public var verify: Bool
        /// `min_version`: the lowest TLS version offered.
        public var minimumVersion: Version

        /// - Parameters:
        ///   - caFile: Defaults to the system trust store.
        ///   - certFile: Defaults to no client certificate.
        ///   - keyFile: Defaults to no client key.
        ///   - serverName: Defaults to the destination's host.
        ///   - verify: Defaults to `true`.
        ///   - minimumVersion: Defaults to TLS 1.2.
        public init(
            caFile: String? = nil,
            certFile: String? = nil,
            keyFile: String? = nil,
            serverName: String? = nil,
            verify: Bool = true,
            minimumVersion: Version = .v1_2
        ) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.serverName = serverName
            self.verify = verify
            self.minimumVersion = minimumVersion
        }

        /// `min_version`: `1.2` or `1.3`.
        public typealias Version = Choice<VersionSpellings>
        public enum VersionSpellings: ChoiceSpellings {
            public static let allCases: [Version] = [.v1_2, .v1_3]
        }
    }
}

extension ForwarderConfiguration.TLS.Version {
    /// TLS 1.2 (RFC 5425 and RFC 9662 minimum).
    public static var v1_2: Self { Self("1.2") }
    /// TLS 1.3.
    public static var v1_3: Self { Self("1.3") }
}
