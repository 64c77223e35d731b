import ComplianceAPI
import ForwarderCore

/// One set of AWS credentials: an access key id, its secret, and for temporary credentials a
/// session token and an expiry.
///
/// The secret and the token are ``Secret``s, so the credentials can be logged or interpolated
/// safely: `description`, `debugDescription` and reflection show only the access key id (which AWS
/// treats as an identifier, not a secret), the source and the expiry.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key id (`AKIA…` for long-term keys, `ASIA…` for temporary ones).
    public var accessKeyID: String
    /// The secret access key; only the signer reads it.
    public var secretAccessKey: Secret
    /// The session token of temporary credentials, sent as `x-amz-security-token`.
    public var sessionToken: Secret?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public var expiration: RFC3339Timestamp?
    /// Where they came from (`environment`, `shared-credentials-file`, `web-identity`,
    /// `container`), for logs and `check`.
    public var source: String

    /// - Parameters:
    ///   - accessKeyID: The access key id.
    ///   - secretAccessKey: The secret access key.
    ///   - sessionToken: The session token of temporary credentials.
    ///   - expiration: When temporary credentials expire.
    ///   - source: Where they came from.
    public init(
        accessKeyID: String,
        secretAccessKey: Secret,
        sessionToken: Secret? = nil,
        expiration: RFC3339Timestamp? = nil,
        source: String = "static"
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    public var description: String {
        let token = sessionToken == nil ? "" : ", session token: <redacted>"
        let expiry = expiration.map { ", expires \($0.formatted(fractionDigits: 0))" } ?? ""
        return "AWSCredentials(\(accessKeyID) from \(source), secret: <redacted>\(token)\(expiry))"
    }
}
