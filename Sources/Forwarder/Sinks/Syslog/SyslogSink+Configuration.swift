import ForwarderCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SyslogSink {
    /// Everything the sink needs: the `type: syslog` settings plus the resend-window limits.
    public struct Configuration: Sendable {
        /// The `type: syslog` settings (address, transport, framing, header, TLS, reconnect…).
        public var syslog: ForwarderConfiguration.SyslogSink
        /// How long a written event stays in the resend window while the connection stays up.
        public var resendRetention: Duration
        /// At most this many events in the resend window (the oldest leave first).
        public var resendMaximumEvents: Int
        /// At most this many bytes in the resend window.
        public var resendMaximumBytes: Int
        /// After the handshake, how long to watch for a rejection before sending (TLS 1.3 reports
        /// a missing client certificate only after the handshake).
        public var settleTime: Duration
        /// The largest single write handed to the channel. Kept below glibc's mmap threshold (128 KiB,
        /// see `AllocatorTuning`) so chunk buffers are reused heap memory, not fresh pages per write.
        public var writeChunkBytes: Int

        /// - Parameters:
        ///   - syslog: the sink's configuration.
        ///   - resendRetention: default 10 s.
        ///   - resendMaximumEvents: default 50,000.
        ///   - resendMaximumBytes: default 32 MiB.
        ///   - settleTime: default 200 ms.
        ///   - writeChunkBytes: default 64 KiB.
        public init(
            syslog: ForwarderConfiguration.SyslogSink,
            resendRetention: Duration = .seconds(10),
            resendMaximumEvents: Int = 50_000,
            resendMaximumBytes: Int = 32 << 20,
            settleTime: Duration = .milliseconds(200),
            writeChunkBytes: Int = 64 << 10
        ) {
            self.syslog = syslog
            self.resendRetention = resendRetention
            self.resendMaximumEvents = resendMaximumEvents
            self.resendMaximumBytes = resendMaximumBytes
            self.settleTime = settleTime
            self.writeChunkBytes = writeChunkBytes
        }

        /// The name verified in the receiver's certificate and sent as SNI: `tls.server_name`,
        /// else the address's host when it is a name (an IP address is not valid SNI).
        var serverName: String? {
            if let name = syslog.tls.serverName, !name.isEmpty { return name }
            let host = syslog.address.host
            let isIPAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
            return isIPAddress ? nil : host
        }

        /// The identity the receiver's certificate must carry (``SyslogServerIdentity``):
        /// `tls.server_name` if set, else the address's host; `nil` with `verify: false`.
        var serverIdentity: SyslogServerIdentity? {
            guard syslog.tls.verify else { return nil }
            if let name = syslog.tls.serverName, !name.isEmpty { return SyslogServerIdentity(name) }
            return SyslogServerIdentity(syslog.address.host)
        }

        var framing: SyslogMessageEncoder.Framing {
            if syslog.transport == .udp { return .datagram }
            return syslog.framing == .newline ? .newline : .octetCounting
        }

        /// The header options; HOSTNAME defaults to this machine's name.
        var formatterConfiguration: SyslogHeaderEncoder.Configuration {
            SyslogHeaderEncoder.Configuration(
                facility: syslog.facility.code,
                hostname: syslog.hostname ?? Self.machineHostname(),
                appName: syslog.appName,
                includesByteOrderMark: syslog.bom,
                headerStyle: syslog.header == .rfc3164 ? .rfc3164 : .rfc5424
            )
        }

        static func machineHostname() -> String? {
            var buffer = [CChar](repeating: 0, count: 256)
            guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
            let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return name.isEmpty ? nil : name
        }
    }
}
