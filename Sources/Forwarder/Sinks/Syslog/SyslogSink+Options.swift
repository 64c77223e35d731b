import ForwarderCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SyslogSink {
    /// Settings that are not in the configuration file: the resend window's limits and the
    /// connection's internals (tests shorten them).
    public struct Options: Sendable {
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
        ///   - resendRetention: default 10 s.
        ///   - resendMaximumEvents: default 50,000.
        ///   - resendMaximumBytes: default 32 MiB.
        ///   - settleTime: default 200 ms.
        ///   - writeChunkBytes: default 64 KiB.
        public init(
            resendRetention: Duration = .seconds(10),
            resendMaximumEvents: Int = 50_000,
            resendMaximumBytes: Int = 32 << 20,
            settleTime: Duration = .milliseconds(200),
            writeChunkBytes: Int = 64 << 10
        ) {
            self.resendRetention = resendRetention
            self.resendMaximumEvents = resendMaximumEvents
            self.resendMaximumBytes = resendMaximumBytes
            self.settleTime = settleTime
            self.writeChunkBytes = writeChunkBytes
        }
    }
}

/// What the sink and `check` derive from the `type: syslog` settings, in one place so both
/// connect the same way.
extension ForwarderConfiguration.SyslogSink {
    /// The name verified in the receiver's certificate and sent as SNI: `tls.server_name`,
    /// else the address's host when it is a name (an IP address is not valid SNI).
    var serverName: String? {
        if let name = tls.serverName, !name.isEmpty { return name }
        let host = address.host
        let isIPAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPAddress ? nil : host
    }

    /// The identity the receiver's certificate must carry (``SyslogServerIdentity``):
    /// `tls.server_name` if set, else the address's host; `nil` with `verify: false`.
    var serverIdentity: SyslogServerIdentity? {
        guard tls.verify else { return nil }
        if let name = tls.serverName, !name.isEmpty { return SyslogServerIdentity(name) }
        return SyslogServerIdentity(address.host)
    }

    var messageFraming: SyslogMessageEncoder.Framing {
        if transport == .udp { return .datagram }
        return framing == .newline ? .newline : .octetCounting
    }

    /// The header options; HOSTNAME defaults to this machine's name.
    var headerConfiguration: SyslogHeaderEncoder.Configuration {
        SyslogHeaderEncoder.Configuration(
            facility: facility.code,
            hostname: hostname ?? Self.machineHostname(),
            appName: appName,
            includesByteOrderMark: bom,
            headerStyle: header == .rfc3164 ? .rfc3164 : .rfc5424
        )
    }

    /// Opens a connection exactly as configured: the TLS context from ``SyslogTLS``, the server
    /// name as SNI and the sink's own identity check. `check` calls this too, so it cannot pass
    /// where the sink refuses.
    func connect(
        tls context: NIOSSLContext?,
        settle: Duration,
        timeout: Duration = .seconds(10)
    ) async throws(SyslogSinkError) -> SyslogConnection {
        do {
            return try await SyslogConnection.connect(
                host: address.host,
                port: address.port,
                tls: context,
                serverName: serverName,
                identity: serverIdentity,
                datagram: transport == .udp,
                settle: settle,
                timeout: timeout
            )
        } catch {
            guard error.code == .tlsHandshakeFailed, error.message.contains("CERTIFICATE_VERIFY_FAILED") else {
                throw error
            }
            let hint = await SyslogTLSDiagnosis.explainVerificationFailure(self, timeout: timeout)
            throw SyslogSinkError(error.code, error.message + " (\(hint))")
        }
    }

    static func machineHostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}
