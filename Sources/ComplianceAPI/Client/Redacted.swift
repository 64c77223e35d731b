/// A string that cannot leak by accident: an API key, a token, a password.
///
/// Its `description`, `debugDescription` and reflection all print `<redacted>`, so it is safe in
/// string interpolation, `dump`, logs and error messages. Only ``withValue(_:)`` reads it; keep
/// the value inside the closure. `Kind` keeps kinds of secret apart (an ``APIKey`` is not a
/// sink credential) and names the type in `debugDescription`.
public struct Redacted<Kind: RedactedKind>: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    /// Wraps a secret value.
    public init(_ value: String) {
        self.value = value
    }

    /// Calls `body` with the secret; keep it inside.
    public func withValue<T>(_ body: (String) throws -> T) rethrows -> T {
        try body(value)
    }

    /// Whether the secret is empty.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "\(Kind.typeName)(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}

/// One kind of ``Redacted`` value.
public protocol RedactedKind {
    /// The name `debugDescription` shows, e.g. `APIKey(<redacted>)`.
    static var typeName: String { get }
}
