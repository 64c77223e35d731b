/// An error from the Compliance API or from reaching it.
///
/// Decisions read properties (``code``, ``isRetryable``) rather than switching on types. The
/// description always says what happened, the server's `error.type`, `error.message` and
/// `request-id`, and what to do about it; it never contains the API key.
public struct ComplianceAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// 400: the API rejected the request (unknown parameter, bad value, API not enabled).
        public static let invalidRequest = Code("invalid_request")
        /// 401: the key is invalid, deactivated or expired.
        public static let authentication = Code("authentication")
        /// 403: the key is valid but lacks `read:compliance_activities`.
        public static let insufficientScope = Code("insufficient_scope")
        /// 404: usually the wrong kind of key (or none), or a wrong base URL.
        public static let notFound = Code("not_found")
        /// 409: a conflict on the server; retried.
        public static let conflict = Code("conflict")
        /// 429: the organisation's shared rate budget is exhausted.
        public static let rateLimited = Code("rate_limited")
        /// 5xx other than 529.
        public static let server = Code("server")
        /// 529: the API is overloaded.
        public static let overloaded = Code("overloaded")
        /// Any other HTTP status.
        public static let unexpectedStatus = Code("unexpected_status")
        /// The connection failed, was reset, or timed out.
        public static let transport = Code("transport")
        /// The response was not a valid page.
        public static let malformedResponse = Code("malformed_response")
        /// The query broke a documented constraint and was not sent.
        public static let invalidQuery = Code("invalid_query")
        /// The configured base URL or request could not be built.
        public static let invalidConfiguration = Code("invalid_configuration")

        public var description: String { name }
    }

    public var code: Code
    /// The HTTP status, when there was a response.
    public var status: Int?
    /// The server's `error.type`, e.g. `permission_error`.
    public var errorType: String?
    /// The server's `error.message`, or a description of the local failure.
    public var message: String
    /// The `request-id` response header.
    public var requestID: String?
    /// The `retry-after` header, when present.
    public var retryAfter: Duration?
    /// The `x-should-retry` header, when present.
    public var shouldRetry: Bool?

    public init(
        code: Code,
        status: Int? = nil,
        errorType: String? = nil,
        message: String,
        requestID: String? = nil,
        retryAfter: Duration? = nil,
        shouldRetry: Bool? = nil
    ) {
        self.code = code
        self.status = status
        self.errorType = errorType
        self.message = message
        self.requestID = requestID
        self.retryAfter = retryAfter
        self.shouldRetry = shouldRetry
    }

    /// Whether the same request may succeed later.
    ///
    /// 400, 401, 403 and 404 are never retried: they fail identically until someone changes the
    /// key or the configuration. `x-should-retry: false` suppresses a retry the status would
    /// allow; `x-should-retry: true` allows one for a status that is not otherwise retried.
    public var isRetryable: Bool {
        switch code {
        case .invalidRequest, .authentication, .insufficientScope, .notFound, .invalidQuery, .invalidConfiguration:
            return false
        case .rateLimited, .conflict, .server, .overloaded, .transport, .malformedResponse:
            return shouldRetry ?? true
        default:
            return shouldRetry ?? false
        }
    }

    /// The scopes a 403 says are needed, parsed from "Needed one of: [...]".
    public var neededScopes: [String] {
        guard code == .insufficientScope, let range = message.range(of: "Needed one of:") else { return [] }
        return Self.quotedWords(in: message[range.upperBound...])
    }

    /// What the operator should do about this error.
    public var hint: String? {
        switch code {
        case .notFound:
            return "the Compliance API answers 404 \"Not found\" when the key is missing or of the wrong kind: "
                + "use a Compliance Access Key (sk-ant-api01-…) or an Admin API key (sk-ant-admin01-…) "
                + "created after the Compliance API was enabled, not a Claude API key, and check the base URL"
        case .insufficientScope:
            let scopes = neededScopes.isEmpty ? "read:compliance_activities" : neededScopes.joined(separator: " or ")
            return "the key lacks the scope \(scopes); scopes are fixed at creation, so create a new key with it "
                + "(Admin API keys created before the Compliance API was enabled never have it)"
        case .authentication:
            return "the key is invalid, deactivated or expired: replace it"
        case .rateLimited:
            return "the organisation-wide budget (600 requests/min shared by every key) is exhausted; "
                + "waiting for retry-after and lowering source.budget.max_requests_per_minute helps"
        case .invalidRequest:
            return "the request was rejected as invalid; check the filters in the configuration "
                + "(and that the Compliance API is enabled for the organisation)"
        default:
            return nil
        }
    }

    public var description: String {
        var text = "Compliance API error (\(code))"
        if let status { text += " HTTP \(status)" }
        if let errorType { text += " \(errorType)" }
        text += ": \(message)"
        if let requestID { text += " [request-id \(requestID)]" }
        if let hint { text += ". Hint: \(hint)" }
        return text
    }

    /// Maps an HTTP status to a code.
    public static func code(forStatus status: Int) -> Code {
        switch status {
        case 400: .invalidRequest
        case 401: .authentication
        case 403: .insufficientScope
        case 404: .notFound
        case 409: .conflict
        case 429: .rateLimited
        case 529: .overloaded
        case 500...599: .server
        default: .unexpectedStatus
        }
    }

    private static func quotedWords(in text: Substring) -> [String] {
        var words: [String] = []
        var current: String?
        for character in text {
            if character == "'" || character == "\"" {
                if let word = current {
                    words.append(word)
                    current = nil
                } else {
                    current = ""
                }
            } else if current != nil {
                current?.append(character)
            }
        }
        return words
    }
}
