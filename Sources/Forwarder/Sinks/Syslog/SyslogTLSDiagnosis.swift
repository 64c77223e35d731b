import ComplianceAPI
import ForwarderCore
import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns BoringSSL's verdicts into what an operator must change.
///
/// BoringSSL says `CERTIFICATE_VERIFY_FAILED` for an unknown CA and for an expired certificate
/// alike, so on that verdict the receiver's certificate gets a second look: one more handshake
/// without verification, only to read the certificate's validity dates.
enum SyslogTLSDiagnosis {
    /// The hint for a certificate the chain check refused, from its validity dates.
    static func hint(
        notValidBefore: Int,
        notValidAfter: Int,
        now: Int,
        caFile: String?
    ) -> String {
        if notValidAfter < now {
            return "the receiver's certificate expired on \(date(notValidAfter)): renew it on the receiver"
        }
        if notValidBefore > now {
            return "the receiver's certificate is valid only from \(date(notValidBefore)): check both clocks"
        }
        return untrusted(caFile: caFile) + ": set tls.ca_file to the CA that signed it"
    }

    private static func untrusted(caFile: String?) -> String {
        let trust = caFile.map { "tls.ca_file (\($0))" } ?? "the system trust store"
        return "the receiver's certificate is not issued by a CA in \(trust)"
    }

    /// Reads the receiver's certificate without verifying it and explains the refusal. A receiver
    /// under load may drop the second connection too, so it is tried a few times; if none
    /// completes, the hint names both causes the verdict can mean.
    static func explainVerificationFailure(
        _ syslog: ForwarderConfiguration.SyslogSink,
        timeout: Duration,
        attempts: Int = 3
    ) async -> String {
        var unverified = syslog.tls
        unverified.verify = false
        if let context = try? SyslogTLS.makeContext(unverified) {
            for attempt in 1...max(attempts, 1) {
                if let certificate = await peerCertificate(of: syslog, context: context, timeout: timeout) {
                    return hint(
                        notValidBefore: Int(certificate.notValidBefore),
                        notValidAfter: Int(certificate.notValidAfter),
                        now: Int(time(nil)),
                        caFile: syslog.tls.caFile
                    )
                }
                if attempt < attempts { try? await Task.sleep(for: .milliseconds(200 * attempt)) }
            }
        }
        return untrusted(caFile: syslog.tls.caFile) + ", or it has expired or is not yet valid"
    }

    private static func peerCertificate(
        of syslog: ForwarderConfiguration.SyslogSink,
        context: NIOSSLContext,
        timeout: Duration
    ) async -> NIOSSLCertificate? {
        guard
            let connection = try? await SyslogConnection.connect(
                host: syslog.address.host,
                port: syslog.address.port,
                tls: context,
                serverName: syslog.serverName,
                datagram: false,
                settle: .zero,
                timeout: timeout
            )
        else { return nil }
        let certificate = try? await connection.channel.nioSSL_peerCertificate().get()
        await connection.close()
        return certificate
    }

    /// BoringSSL's messages end with the source file they came from (`… at /…/ssl/tls_record.cc:491`):
    /// a build path on the operator's screen says nothing to them.
    static func withoutSourceLocations(_ message: String) -> String {
        var result = ""
        var rest = Substring(message)
        while let marker = rest.range(of: " at /") {
            let tail = rest[marker.upperBound...]
            let end = tail.firstIndex { $0 == "]" || $0 == ")" || $0 == " " || $0 == "," } ?? tail.endIndex
            let location = tail[..<end]
            // Only `path:line` is a source location; any other " at /" is kept.
            let line = location.reversed().prefix { $0.isNumber }
            let isSourceLocation = !line.isEmpty && location.dropLast(line.count).hasSuffix(":")
            result += rest[..<(isSourceLocation ? marker.lowerBound : end)]
            rest = tail[end...]
        }
        return result + rest
    }

    private static func date(_ seconds: Int) -> String {
        let stamp = RFC3339Timestamp(secondsSinceEpoch: Int64(seconds))
        return String(stamp.formatted(fractionDigits: 0).prefix(10))
    }
}
