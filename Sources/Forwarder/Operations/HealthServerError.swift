/// The server could not start.
public struct HealthServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to change.
    public var message: String
    /// Binding again without a change does not help.
    public var isRetryable: Bool { false }

    public var description: String { message }
}
