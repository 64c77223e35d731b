/// The project's one error type: a ``code`` to compare, a ``message`` for operators, the facts of
/// the failure (``context``), and whether trying again can help (``isRetryable``).
///
/// Each subsystem is a ``ErrorDomain``: its context type, its codes and its rules. The domains keep
/// their names as typealiases (``ComplianceAPIError``, `HTTPSinkError`, `FileError`, …), so a caller
/// catches one domain's errors by type and then decides by properties, never by parsing messages.
/// The context's properties read as the error's own (`error.status`, `error.path`).
///
/// Messages and descriptions never contain a secret (API key, token, password, a webhook URL's
/// path or query): whoever builds an error passes only what is safe to log.
@dynamicMemberLookup
public struct ForwarderError<Domain: ErrorDomain>: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public typealias Code = ErrorCode<Domain>

    /// What kind of failure this is.
    public var code: Code
    /// What happened, for operators; never contains a secret.
    public var message: String
    /// The domain's facts about the failure (HTTP status, file path, request ID…).
    public var context: Domain

    public init(code: Code, message: String, context: Domain) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// Whether the same operation may succeed later without anyone changing anything.
    public var isRetryable: Bool { Domain.isRetryable(self) }

    /// One line for logs and health reasons, in the domain's wording.
    public var description: String { Domain.describe(self) }

    /// The context's properties, read and written as the error's own.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Domain, Value>) -> Value {
        get { context[keyPath: keyPath] }
        set { context[keyPath: keyPath] = newValue }
    }
}

/// One subsystem's errors: the facts they carry (the conforming type's stored properties, an empty
/// struct when there are none) and the rules that read them.
public protocol ErrorDomain: Sendable, Hashable {
    /// Whether `error` may clear up on its own (an unreachable server comes back; a wrong key does not).
    static func isRetryable(_ error: ForwarderError<Self>) -> Bool
    /// The line logged for `error`.
    static func describe(_ error: ForwarderError<Self>) -> String
}

/// A domain whose errors carry nothing but a code and a message.
public protocol PlainErrorDomain: ErrorDomain {
    init()
}

extension ForwarderError where Domain: PlainErrorDomain {
    /// An error with no facts beyond the code and the message.
    public init(_ code: Code, _ message: String) {
        self.init(code: code, message: message, context: Domain())
    }
}
