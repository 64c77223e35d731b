/// A credential other than the Compliance API key (HEC token, Elasticsearch API key, password,
/// HMAC secret, header value) that cannot leak by accident.
///
/// Like ``ComplianceAPI/APIKey``, its `description`, `debugDescription` and reflection all print
/// `<redacted>`, so configuration values can be interpolated, dumped and logged safely. Only
/// ``withValue(_:)`` reads it; keep the value inside the closure.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
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
    public var debugDescription: String { "Secret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}
