extension ForwarderConfiguration {
    /// `type: syslog`: one syslog message per event to a SIEM's collector.
    public struct SyslogSink: Sendable, Hashable {
        /// `address`: the collector's `host:port`.
        public var address: NetworkAddress
        /// `transport`: `tls` (RFC 5425), `tcp`, or `udp` (RFC 5426, lab only: no delivery guarantee).
        public var transport: Transport
        /// `framing`: how messages are delimited on a stream transport.
        public var framing: Framing
        /// `header`: the syslog header format.
        public var header: Header
        /// `facility`: the syslog facility, 0…23.
        public var facility: SyslogFacility
        /// `app_name`: APP-NAME (RFC 5424) or TAG (RFC 3164).
        public var appName: String
        /// `hostname`: HOSTNAME; `nil` uses the machine's host name.
        public var hostname: String?
        /// `max_message_bytes`: longer messages are truncated by the encoder, never split.
        public var maximumMessageBytes: Int
        /// `bom`: prefix MSG with a UTF-8 BOM (RFC 5424 asks for it; CEF receivers mostly do not).
        public var bom: Bool
        /// `tls`: used with `transport: tls` only.
        public var tls: TLS
        /// `reconnect`: backoff between connection attempts.
        public var reconnect: Backoff
        /// `archive_anchors`: also send the file sinks' `archive_segment_sealed` events.
        public var archiveAnchors: Bool

        /// - Parameters:
        ///   - address: Required.
        ///   - transport: Defaults to ``Transport/tls``.
        ///   - framing: Defaults to ``Framing/octetCounting``.
        ///   - header: Defaults to ``Header/rfc5424``.
        ///   - facility: Defaults to `audit` (13).
        ///   - appName: Defaults to `compliance-forwarder`.
        ///   - hostname: Defaults to the machine's host name.
        ///   - maximumMessageBytes: Defaults to 64 KiB.
        ///   - bom: Defaults to `false`.
        ///   - tls: Defaults to system trust, verification on, TLS ≥ 1.2.
        ///   - reconnect: Defaults to 1 s doubling to 60 s.
        ///   - archiveAnchors: Defaults to `true`.
        public init(
            address: NetworkAddress,
            transport: Transport = .tls,
            framing: Framing = .octetCounting,
            header: Header = .rfc5424,
            facility: SyslogFacility = .audit,
            appName: String = "compliance-forwarder",
            hostname: String? = nil,
            maximumMessageBytes: Int = 64 << 10,
            bom: Bool = false,
            tls: TLS = TLS(),
            reconnect: Backoff = Backoff(),
            archiveAnchors: Bool = true
        ) {
            self.address = address
            self.transport = transport
            self.framing = framing
            self.header = header
            self.facility = facility
            self.appName = appName
            self.hostname = hostname
            self.maximumMessageBytes = maximumMessageBytes
            self.bom = bom
            self.tls = tls
            self.reconnect = reconnect
            self.archiveAnchors = archiveAnchors
        }

        /// The port used when `address` has none: 6514 for TLS (RFC 5425), 514 otherwise.
        static func defaultPort(for transport: Transport) -> Int {
            transport == .tls ? 6514 : 514
        }

        /// `transport`.
        public typealias Transport = Choice<TransportSpellings>
        public enum TransportSpellings: ChoiceSpellings {
            public static let allCases: [Transport] = [.tls, .tcp, .udp]
        }

        /// `framing`.
        public typealias Framing = Choice<FramingSpellings>
        public enum FramingSpellings: ChoiceSpellings {
            public static let allCases: [Framing] = [.octetCounting, .newline]
        }

        /// `header`.
        public typealias Header = Choice<HeaderSpellings>
        public enum HeaderSpellings: ChoiceSpellings {
            public static let allCases: [Header] = [.rfc5424, .rfc3164]
        }
    }
}

extension ForwarderConfiguration.SyslogSink.Transport {
    public static var tls: Self { Self("tls") }
    public static var tcp: Self { Self("tcp") }
    public static var udp: Self { Self("udp") }
}

extension ForwarderConfiguration.SyslogSink.Framing {
    /// RFC 6587 octet counting: `LEN SP MSG`.
    public static var octetCounting: Self { Self("octet_counting") }
    /// One message per line, terminated by LF.
    public static var newline: Self { Self("newline") }
}

extension ForwarderConfiguration.SyslogSink.Header {
    public static var rfc5424: Self { Self("rfc5424") }
    /// The legacy BSD header, for receivers that only parse it.
    public static var rfc3164: Self { Self("rfc3164") }
}
