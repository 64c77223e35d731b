/// Why the syslog sink could not deliver: a code to compare, a readable message, and whether
/// waiting and retrying can help.
public struct SyslogSinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable value tests and callers compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The TLS settings cannot be used (unreadable CA, certificate or key file).
        public static let invalidTLSConfiguration = Code("invalid_tls_configuration")
        /// The TCP connection could not be opened (refused, unreachable, timed out).
        public static let connectFailed = Code("connect_failed")
        /// The TLS handshake failed: unknown CA, wrong server name, protocol mismatch.
        public static let tlsHandshakeFailed = Code("tls_handshake_failed")
        /// The receiver rejected the session after the handshake (TLS 1.3 sends a missing client
        /// certificate this way).
        public static let rejectedByReceiver = Code("rejected_by_receiver")
        /// The connection broke while writing.
        public static let connectionLost = Code("connection_lost")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// Details for the log and the health reason.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Network and handshake failures can clear up (receiver restarted, certificate fixed): the
    /// sink holds its batch and retries them. A configuration that cannot be loaded cannot.
    public var isRetryable: Bool { code != .invalidTLSConfiguration }

    public var description: String { "syslog \(code): \(message)" }
}
