/// An API key that cannot leak by accident.
///
/// Its `description`, `debugDescription` and reflection all print `<redacted>`, so it is safe in
/// string interpolation, `dump`, logs and error messages. Only ``Redacted/withValue(_:)`` reads it.
public typealias APIKey = Redacted<APIKeyKind>

/// The kind of ``APIKey``: a Compliance Access Key or an Admin API key.
public enum APIKeyKind: RedactedKind {
    public static var typeName: String { "APIKey" }
}

extension APIKey {
    /// `sk-ant-admin01`, `sk-ant-api01` etc.: the family, never the secret part.
    ///
    /// Only a short `sk-ant-<letters><digits>` prefix followed by more text is recognised;
    /// anything else is `unrecognised`, so a malformed key cannot leak through this property.
    public var family: String {
        withValue { value in
            let parts = value.split(separator: "-", maxSplits: 3)
            guard parts.count == 4, parts[0] == "sk", parts[1] == "ant", (3...10).contains(parts[2].count),
                parts[2].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }),
                parts[2].contains(where: \.isNumber)
            else { return "unrecognised" }
            return "sk-ant-" + parts[2]
        }
    }
}
