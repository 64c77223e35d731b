import ComplianceAPI

/// A credential other than the Compliance API key (HEC token, Elasticsearch API key, password,
/// HMAC secret, header value) that cannot leak by accident.
///
/// The same wrapper as ``ComplianceAPI/APIKey``: its `description`, `debugDescription` and
/// reflection all print `<redacted>`, so configuration values can be interpolated, dumped and
/// logged safely. Only `withValue(_:)` reads it; keep the value inside the closure.
public typealias Secret = Redacted<SecretKind>

/// The kind of ``Secret``: a sink or Entra ID credential.
public enum SecretKind: RedactedKind {
    public static var typeName: String { "Secret" }
}
