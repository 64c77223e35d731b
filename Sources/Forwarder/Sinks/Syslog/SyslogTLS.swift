import ForwarderCore
import NIOCore
import NIOSSL

/// Builds the client TLS context from the sink's `tls` settings.
enum SyslogTLS {
    /// How long a clean shutdown waits for the receiver's `close_notify`.
    static let shutdownTimeout = TimeAmount.seconds(3)

    /// A context that verifies the receiver's certificate chain (system trust store or `ca_file`,
    /// unless `verify` is off), offers TLS ≥ `min_version`, and presents the client certificate
    /// when one is configured. The name is checked after the handshake by
    /// ``SyslogServerIdentity`` (strictly: NIOSSL's own check also accepts an IP SAN equal to the
    /// connected address whatever `server_name` says).
    static func makeContext(_ tls: ForwarderConfiguration.TLS) throws(SyslogSinkError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = tls.minimumVersion == .v1_3 ? .tlsv13 : .tlsv12
        configuration.certificateVerification = tls.verify ? .noHostnameVerification : .none
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
                throw SyslogSinkError(
                    .invalidTLSConfiguration,
                    "cannot load client certificate \(certFile) / key \(keyFile): \(error)"
                )
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
            throw SyslogSinkError(
                .invalidTLSConfiguration,
                "cannot build the TLS context (ca_file \(tls.caFile ?? "system")): \(error)"
            )
        }
    }
}
