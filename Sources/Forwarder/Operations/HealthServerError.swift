import ComplianceAPI

/// The health server could not start.
public typealias HealthServerError = ForwarderError<HealthServerFailure>

/// The health server's errors carry nothing besides their code and message.
public struct HealthServerFailure: PlainErrorDomain {
    public init() {}

    /// Binding again without a change does not help.
    public static func isRetryable(_ error: HealthServerError) -> Bool { false }

    /// The message says what went wrong and what to change.
    public static func describe(_ error: HealthServerError) -> String { error.message }
}

extension HealthServerError.Code {
    /// The listen address cannot be bound (in use, not local).
    public static var cannotListen: Self { Self("cannot_listen") }
}

extension HealthServerError {
    /// A server that cannot listen: `message` says what went wrong and what to change.
    public init(message: String) { self.init(.cannotListen, message) }
}
