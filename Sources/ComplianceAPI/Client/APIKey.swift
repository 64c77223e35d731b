/// An API key that cannot leak by accident.
///
/// Its `description`, `debugDescription` and reflection all print `<redacted>`, so it is safe in
/// string interpolation, `dump`, logs and error messages. Only ``withValue(_:)`` reads it.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// Calls `body` with the secret; keep it inside.
    public func withValue<T>(_ body: (String) throws -> T) rethrows -> T {
        try body(value)
    }

    /// Whether the key is empty.
    public var isEmpty: Bool { value.isEmpty }

    /// `sk-ant-admin01`, `sk-ant-api01` etc.: the family, never the secret part.
    ///
    /// Only a short `sk-ant-<letters><digits>` prefix followed by more text is recognised;
    /// anything else is `unrecognised`, so a malformed key cannot leak through this property.
    public var family: String {
        let parts = value.split(separator: "-", maxSplits: 3)
        guard parts.count == 4, parts[0] == "sk", parts[1] == "ant", (3...10).contains(parts[2].count),
            parts[2].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }),
            parts[2].contains(where: \.isNumber)
        else { return "unrecognised" }
        return "sk-ant-" + parts[2]
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "APIKey(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}
