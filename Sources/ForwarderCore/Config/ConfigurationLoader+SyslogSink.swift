extension ConfigurationLoader {
    static func readSyslogSink(_ sink: ConfigurationMapping) -> ForwarderConfiguration.SyslogSink? {
        typealias Syslog = ForwarderConfiguration.SyslogSink
        let transport = sink.choice("transport", default: Syslog.Transport.tls)
        var address: NetworkAddress?
        if let value = sink.scalar("address") {
            switch NetworkAddress.parse(value.text, defaultPort: Syslog.defaultPort(for: transport)) {
            case .success(let parsed) where parsed.port == 0:
                sink.error("address", "port 0 is not a valid destination")
            case .success(let parsed):
                address = parsed
            case .failure(let issue):
                sink.error("address", "\(issue.message), got \(value.quoted)")
            }
        } else {
            sink.missing("address", "the collector's host:port, e.g. siem.example.com:6514")
        }
        if transport == .udp {
            sink.warning("transport", "udp can lose messages without notice: use it in a lab only")
        }
        let framing = sink.choice("framing", default: Syslog.Framing.octetCounting)
        let header = sink.choice("header", default: Syslog.Header.rfc5424)
        let facility = readFacility(sink) ?? .audit
        let appName = sink.string("app_name", default: "compliance-forwarder")
        if !isPrintableASCII(appName, maximumLength: 48) {
            sink.error("app_name", "must be 1 to 48 printable ASCII characters without spaces (RFC 5424 APP-NAME)")
        }
        let hostname = sink.string("hostname")
        if let hostname, !isPrintableASCII(hostname, maximumLength: 255) {
            sink.error("hostname", "must be 1 to 255 printable ASCII characters without spaces (RFC 5424 HOSTNAME)")
        }
        // A UDP datagram holds at most 65 507 bytes of payload.
        let largest = transport == .udp ? 65_507 : 16 << 20
        let maximumMessageBytes = sink.size(
            "max_message_bytes",
            default: min(64 << 10, largest),
            minimum: 480,
            maximum: largest
        )
        let bom = sink.bool("bom", default: false)
        if sink.has("tls"), transport != .tls {
            sink.error("tls", "only used with transport: tls (this sink uses \(transport.name))")
        }
        let tls = readTLS(sink)
        let reconnect = readBackoff(sink, "reconnect", default: ForwarderConfiguration.Backoff())
        let archiveAnchors = sink.bool("archive_anchors", default: true)

        guard let address else { return nil }
        return Syslog(
            address: address,
            transport: transport,
            framing: framing,
            header: header,
            facility: facility,
            appName: appName,
            hostname: hostname,
            maximumMessageBytes: maximumMessageBytes,
            bom: bom,
            tls: tls,
            reconnect: reconnect,
            archiveAnchors: archiveAnchors
        )
    }

    private static func readFacility(_ sink: ConfigurationMapping) -> SyslogFacility? {
        guard let value = sink.scalar("facility") else { return nil }
        if let facility = SyslogFacility(name: value.text) { return facility }
        let names = SyslogFacility.names.map(\.name)
        let suggestion = value.substituted ? "" : Suggestion.didYouMean(value.text, in: names)
        sink.error(
            "facility",
            "unknown facility \(value.quoted); expected a number 0-23 or a name such as local0, audit, authpriv\(suggestion)"
        )
        return nil
    }

    static func isPrintableASCII(_ text: String, maximumLength: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= maximumLength && text.utf8.allSatisfy { (33...126).contains($0) }
    }
}
