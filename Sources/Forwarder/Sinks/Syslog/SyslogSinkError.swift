import ComplianceAPI

/// Why the syslog sink could not deliver: a code to compare, a readable message, and whether
/// waiting and retrying can help.
public typealias SyslogSinkError = ForwarderError<SyslogSinkFailure>

/// The syslog sink's errors carry nothing besides their code and message.
public struct SyslogSinkFailure: PlainErrorDomain {
    public init() {}

    /// Network and handshake failures can clear up (receiver restarted, certificate fixed): the
    /// sink holds its batch and retries them. A configuration that cannot be loaded cannot.
    public static func isRetryable(_ error: SyslogSinkError) -> Bool { error.code != .invalidTLSConfiguration }

    public static func describe(_ error: SyslogSinkError) -> String { "syslog \(error.code): \(error.message)" }
}

extension SyslogSinkError.Code {
    /// The TLS settings cannot be used (unreadable CA, certificate or key file).
    public static var invalidTLSConfiguration: Self { Self("invalid_tls_configuration") }
    /// The TCP connection could not be opened (refused, unreachable, timed out).
    public static var connectFailed: Self { Self("connect_failed") }
    /// The TLS handshake failed: unknown CA, wrong server name, protocol mismatch.
    public static var tlsHandshakeFailed: Self { Self("tls_handshake_failed") }
    /// The receiver rejected the session after the handshake (TLS 1.3 sends a missing client
    /// certificate this way).
    public static var rejectedByReceiver: Self { Self("rejected_by_receiver") }
    /// The connection broke while writing.
    public static var connectionLost: Self { Self("connection_lost") }
}
