extension SyslogHeaderEncoder {
    /// Output options.
    public struct Configuration: Sendable, Hashable {
        /// The header layout.
        public struct HeaderStyle: Sendable, Hashable, CustomStringConvertible {
            private enum Backing: String, Sendable, Hashable {
                case rfc5424, rfc3164
            }

            private let backing: Backing

            private init(_ backing: Backing) { self.backing = backing }

            /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`.
            public static let rfc5424 = HeaderStyle(.rfc5424)
            /// `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG: MSG` (legacy receivers).
            public static let rfc3164 = HeaderStyle(.rfc3164)

            /// Parses `rfc5424` or `rfc3164`.
            public init?(rawValue: String) {
                guard let backing = Backing(rawValue: rawValue.lowercased()) else { return nil }
                self.backing = backing
            }

            /// The configuration spelling.
            public var rawValue: String { backing.rawValue }

            public var description: String { rawValue }
        }

        /// Syslog facility 0–23 (out-of-range values are clamped).
        public var facility: Int
        /// HOSTNAME: the forwarder's FQDN (preferred) or IP address; `nil` writes `-`.
        public var hostname: String?
        /// APP-NAME (RFC 5424) and TAG (RFC 3164); `nil` writes `-` / no tag.
        public var appName: String?
        /// PROCID, for example the process id; `nil` writes `-`.
        public var procID: String?
        /// Whether to write the structured-data element (RFC 5424 only).
        public var includesStructuredData: Bool
        /// The SD-ID of that element: `name@<private enterprise number>`.
        public var structuredDataID: String
        /// Whether MSG starts with a UTF-8 byte order mark (RFC 5424 only).
        public var includesByteOrderMark: Bool
        /// RFC 5424 or RFC 3164 header.
        public var headerStyle: HeaderStyle

        /// - Parameters:
        ///   - facility: default 13 (log audit); 10 = authpriv, 16–23 = local0–7.
        ///   - hostname: default `nil` (`-`); the runtime should pass the host's FQDN.
        ///   - appName: default `compliance-forwarder`.
        ///   - procID: default `nil`.
        ///   - includesStructuredData: default `true`.
        ///   - structuredDataID: default `claude@32473`.
        ///   - includesByteOrderMark: default `false`.
        ///   - headerStyle: default ``HeaderStyle/rfc5424``.
        public init(
            facility: Int = 13,
            hostname: String? = nil,
            appName: String? = "compliance-forwarder",
            procID: String? = nil,
            includesStructuredData: Bool = true,
            structuredDataID: String = "claude@32473",
            includesByteOrderMark: Bool = false,
            headerStyle: HeaderStyle = .rfc5424
        ) {
            self.facility = facility
            self.hostname = hostname
            self.appName = appName
            self.procID = procID
            self.includesStructuredData = includesStructuredData
            self.structuredDataID = structuredDataID
            self.includesByteOrderMark = includesByteOrderMark
            self.headerStyle = headerStyle
        }
    }
}
