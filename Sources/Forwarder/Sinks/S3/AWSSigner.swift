import ComplianceAPI
import Crypto
import ForwarderCore

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), written against AWS's published specification
/// ("Create a signed AWS API request", and for S3 "Signature Calculations for the Authorization
/// Header") and checked against AWS's SigV4 test suite and botocore's `S3SigV4Auth`.
///
/// A pure value: the same request, credentials and date always give the same headers, so it is
/// tested without a network or a clock. SHA-256 and HMAC come from swift-crypto.
///
/// ```swift
/// let signer = AWSSigner(region: "eu-central-1", service: "s3")
/// let request = AWSSignableRequest(method: "PUT", host: "bucket.s3.eu-central-1.amazonaws.com",
///                                  path: "/" + AWSSigner.uriEncode(key, keepingSlash: true),
///                                  headers: [("content-md5", md5)], payload: .sha256(hex: fileHash))
/// for (name, value) in signer.sign(request, credentials: credentials, date: .now) { … }
/// ```
///
/// Path rules differ by service, as the specification says: for `s3` the canonical path is the
/// path encoded exactly once and never normalised (`a/../b` and `//` are parts of an object key);
/// other services normalise the path (dot segments, repeated slashes) and encode the already
/// encoded path again.
public struct AWSSigner: Sendable {
    /// The region of the credential scope (`us-east-1`).
    public var region: String
    /// The service of the credential scope (`s3`, `sts`).
    public var service: String
    /// Whether to send and sign `x-amz-content-sha256`. S3 requires it; the generic test suite
    /// does not use it. Defaults to `service == "s3"`.
    public var sendsContentSHA256: Bool

    /// - Parameters:
    ///   - region: The region of the credential scope.
    ///   - service: The service of the credential scope; `s3` selects S3's path rules.
    public init(region: String, service: String) {
        self.region = region
        self.service = service
        self.sendsContentSHA256 = service == "s3"
    }

    /// The headers to add to `request` so that AWS accepts it: `x-amz-date`,
    /// `x-amz-content-sha256` (S3), `x-amz-security-token` (temporary credentials) and
    /// `authorization`, in that order. The HTTP client must send `request.host` as `Host` and
    /// every header of `request` unchanged.
    public func sign(
        _ request: AWSSignableRequest,
        credentials: AWSCredentials,
        date: RFC3339Timestamp
    ) -> [(name: String, value: String)] {
        let added = addedHeaders(request, credentials: credentials, date: date)
        let canonical = canonicalRequest(request, adding: added)
        let toSign = stringToSign(canonicalRequest: canonical.text, date: date)
        let signature = WebhookSigner.hex(
            HMAC<SHA256>.authenticationCode(
                for: Array(toSign.utf8),
                using: signingKey(secret: credentials.secretAccessKey, date: date)
            )
        )
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(date)), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return added.filter { $0.name != "host" } + [("authorization", authorization)]
    }

    /// The headers the signer sets itself; a header of the same name in the request is replaced.
    func addedHeaders(
        _ request: AWSSignableRequest,
        credentials: AWSCredentials,
        date: RFC3339Timestamp
    ) -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = []
        if !request.headers.contains(where: { $0.name.lowercased() == "host" }) {
            added.append(("host", request.host))
        }
        added.append(("x-amz-date", Self.timestamp(date)))
        if sendsContentSHA256 { added.append(("x-amz-content-sha256", Self.payloadHash(request.payload))) }
        if let token = credentials.sessionToken {
            added.append(("x-amz-security-token", token.withValue { $0 }))
        }
        return added
    }

    /// Task 1 of the specification: the canonical request, and the `SignedHeaders` list.
    func canonicalRequest(
        _ request: AWSSignableRequest,
        adding added: [(name: String, value: String)]
    ) -> (text: String, signedHeaders: String) {
        let replaced = Set(added.map(\.name))
        let kept = request.headers.filter { !replaced.contains($0.name.lowercased()) }
        let headers = AWSCanonicalForm.headers(kept + added)
        let text = [
            request.method.uppercased(),
            service == "s3"
                ? AWSCanonicalForm.s3Path(request.path) : AWSCanonicalForm.normalizedPath(request.path),
            AWSCanonicalForm.query(request.query),
            headers.canonical,
            headers.signedNames,
            Self.payloadHash(request.payload),
        ].joined(separator: "\n")
        return (text, headers.signedNames)
    }

    /// Task 2: the string to sign.
    func stringToSign(canonicalRequest: String, date: RFC3339Timestamp) -> String {
        let hash = WebhookSigner.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))
        return ["AWS4-HMAC-SHA256", Self.timestamp(date), scope(date), hash].joined(separator: "\n")
    }

    /// Task 3: the key derived from the secret for one day, region and service.
    func signingKey(secret: Secret, date: RFC3339Timestamp) -> SymmetricKey {
        var key = SymmetricKey(data: secret.withValue { Array("AWS4\($0)".utf8) })
        for part in [String(Self.timestamp(date).prefix(8)), region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// `20150830/us-east-1/service/aws4_request`.
    func scope(_ date: RFC3339Timestamp) -> String {
        "\(Self.timestamp(date).prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// `20150830T123600Z`: ISO 8601 basic format, UTC, whole seconds.
    public static func timestamp(_ date: RFC3339Timestamp) -> String {
        date.formatted(fractionDigits: 0).filter { $0 != "-" && $0 != ":" }
    }

    /// The value of `x-amz-content-sha256` and the last line of the canonical request.
    static func payloadHash(_ payload: AWSSignableRequest.Payload) -> String {
        switch payload {
        case .unsigned: "UNSIGNED-PAYLOAD"
        case .sha256(let hex): hex.lowercased()
        case .bytes(let bytes): WebhookSigner.hex(SHA256.hash(data: bytes))
        }
    }

    /// SigV4's `UriEncode`: every byte but the RFC 3986 unreserved characters as `%XX` (upper
    /// case); `/` kept when `keepingSlash` (object keys in a path).
    public static func uriEncode(_ text: String, keepingSlash: Bool) -> String {
        HTTPEndpoint.percentEncoded(text, keeping: keepingSlash ? "/" : "")
    }
}
