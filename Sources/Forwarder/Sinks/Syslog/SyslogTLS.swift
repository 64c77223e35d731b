import ForwarderCore
import NIOSSL

/// Builds the client TLS context from the sink's `tls` settings.
enum SyslogTLS {
    /// How long a clean shutdown waits for the receiver's `close_notify`.
    static let shutdownTimeout = TimeAmount.seconds(3)

    /// A context that verifies the receiver (system trust store or `ca_file`, server name checked
    /// unless `verify` is off), offers TLS ≥ `min_version`, and presents the client certificate
    /// when one is configured.
    static func makeContext(_ tls: ForwarderConfiguration.TLS) throws(SyslogSinkError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = tls.minimumVersion == .v1_3 ? .tlsv13 : .tlsv12
        configuration.certificateVerification = tls.verify ? .fullVerification : .none
        configuration.shutdownTimeout = shutdownTimeout
        if let caFile = tls.caFile {
            configuration.trustRoots = .file(caFile)
        }
        switch (tls.certFile, tls.keyFile) {
        case (nil, nil):
            break
        case (let certFile?, let keyFile?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw SyslogSinkError(.invalidTLSConfiguration, "cannot load client certificate \(certFile) / key \(keyFile): \(error)")
            }
        default:
            throw SyslogSinkError(.invalidTLSConfiguration, "tls.cert_file and tls.key_file must be set together")
        }
        do {
            if let caFile = tls.caFile {
                // Fail at start-up, not at the first handshake, when the bundle is unreadable.
                _ = try NIOSSLCertificate.fromPEMFile(caFile)
            }
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SyslogSinkError(.invalidTLSConfiguration, "cannot build the TLS context (ca_file \(tls.caFile ?? "system")): \(error)")
        }
    }
}

import NIOCore
