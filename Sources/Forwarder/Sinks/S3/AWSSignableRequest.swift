/// An HTTP request as AWS Signature Version 4 sees it: method, host, path, query, the headers to
/// sign and the payload hash.
///
/// `path` and `query` are the *wire* forms, as they go on the request line (percent-encoded by the
/// caller, e.g. with ``AWSSigner/uriEncode(_:keepingSlash:)``). The signer derives the canonical
/// forms from them, so the signature covers exactly what is sent.
public struct AWSSignableRequest: Sendable {
    /// What stands for the body in the signature.
    public enum Payload: Sendable, Hashable {
        /// `UNSIGNED-PAYLOAD`: the body is not covered (S3 over HTTPS only).
        case unsigned
        /// The lower-case hex SHA-256 of the body, computed beforehand (a spooled segment is
        /// hashed once on disk and then streamed).
        case sha256(hex: String)
        /// The body itself, hashed by the signer (small request bodies).
        case bytes([UInt8])

        /// An empty body (`GET`, `HEAD`, `DELETE`).
        public static let empty = Payload.bytes([])
    }

    /// `GET`, `PUT`, `HEAD`, …
    public var method: String
    /// The `Host` header the HTTP client sends: the host, and `:port` when it is not the scheme's
    /// default.
    public var host: String
    /// The path as sent, percent-encoded, starting with `/`.
    public var path: String
    /// The query as sent (percent-encoded, without `?`); empty when there is none.
    public var query: String
    /// Headers to sign besides `host` and the `x-amz-*` headers the signer adds. Names in any
    /// case; repeated names are signed as one comma-joined value, in order.
    public var headers: [(name: String, value: String)]
    /// What stands for the body.
    public var payload: Payload

    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - host: The `Host` header value.
    ///   - path: The wire path, `/` when empty.
    ///   - query: The wire query without `?`.
    ///   - headers: Headers to sign.
    ///   - payload: What stands for the body.
    public init(
        method: String,
        host: String,
        path: String = "/",
        query: String = "",
        headers: [(name: String, value: String)] = [],
        payload: Payload = .empty
    ) {
        self.method = method
        self.host = host
        self.path = path.isEmpty ? "/" : path
        self.query = query
        self.headers = headers
        self.payload = payload
    }

    /// Splits `http(s)://host[:port]/path?query` (already percent-encoded); `nil` when `url` has
    /// no scheme or host. The default port of the scheme is dropped from the host, as HTTP
    /// clients do in the `Host` header.
    public init?(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        payload: Payload = .empty
    ) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var host = String(rest[..<authorityEnd])
        guard !host.isEmpty else { return nil }
        if (scheme == "https" && host.hasSuffix(":443")) || (scheme == "http" && host.hasSuffix(":80")) {
            host = String(host[..<(host.lastIndex(of: ":") ?? host.endIndex)])
        }
        let target = rest[authorityEnd...]
        let queryStart = target.firstIndex(of: "?")
        let path = String(target[..<(queryStart ?? target.endIndex)])
        let query = queryStart.map { String(target[target.index(after: $0)...]) } ?? ""
        self.init(method: method, host: host, path: path, query: query, headers: headers, payload: payload)
    }
}
