/// An error from the Compliance API or from reaching it.
///
/// Decisions read properties (``ForwarderError/code``, ``ForwarderError/isRetryable``) rather than
/// switching on types. The description always says what happened, the server's `error.type`,
/// `error.message` and `request-id`, and what to do about it; it never contains the API key.
public typealias ComplianceAPIError = ForwarderError<ComplianceAPIFailure>

/// What a ``ComplianceAPIError`` knows besides its code and message: the response's facts.
public struct ComplianceAPIFailure: ErrorDomain {
    /// The HTTP status, when there was a response.
    public var status: Int?
    /// The server's `error.type`, e.g. `permission_error`.
    public var errorType: String?
    /// The `request-id` response header.
    public var requestID: String?
    /// The `retry-after` header, when present.
    public var retryAfter: Duration?
    /// The `x-should-retry` header, when present.
    public var shouldRetry: Bool?

    /// 400, 401, 403 and 404 are never retried: they fail identically until someone changes the
    /// key or the configuration. `x-should-retry: false` suppresses a retry the status would
    /// allow; `x-should-retry: true` allows one for a status that is not otherwise retried.
    public static func isRetryable(_ error: ComplianceAPIError) -> Bool {
        switch error.code {
        case .invalidRequest, .authentication, .insufficientScope, .notFound, .invalidQuery, .invalidConfiguration:
            return false
        case .rateLimited, .conflict, .server, .overloaded, .transport, .malformedResponse:
            return error.shouldRetry ?? true
        default:
            return error.shouldRetry ?? false
        }
    }

    public static func describe(_ error: ComplianceAPIError) -> String {
        var text = "Compliance API error (\(error.code))"
        if let status = error.status { text += " HTTP \(status)" }
        if let errorType = error.errorType { text += " \(errorType)" }
        text += ": \(error.message)"
        if let requestID = error.requestID { text += " [request-id \(requestID)]" }
        if let hint = error.hint { text += ". Hint: \(hint)" }
        return text
    }
}

extension ComplianceAPIError.Code {
    /// 400: the API rejected the request (unknown parameter, bad value, API not enabled).
    public static var invalidRequest: Self { Self("invalid_request") }
    /// 401: the key is invalid, deactivated or expired.
    public static var authentication: Self { Self("authentication") }
    /// 403: the key is valid but lacks `read:compliance_activities`.
    public static var insufficientScope: Self { Self("insufficient_scope") }
    /// 404: usually the wrong kind of key (or none), or a wrong base URL.
    public static var notFound: Self { Self("not_found") }
    /// 409: a conflict on the server; retried.
    public static var conflict: Self { Self("conflict") }
    /// 429: the organisation's shared rate budget is exhausted.
    public static var rateLimited: Self { Self("rate_limited") }
    /// 5xx other than 529.
    public static var server: Self { Self("server") }
    /// 529: the API is overloaded.
    public static var overloaded: Self { Self("overloaded") }
    /// Any other HTTP status.
    public static var unexpectedStatus: Self { Self("unexpected_status") }
    /// The connection failed, was reset, or timed out.
    public static var transport: Self { Self("transport") }
    /// The response was not a valid page.
    public static var malformedResponse: Self { Self("malformed_response") }
    /// The query broke a documented constraint and was not sent.
    public static var invalidQuery: Self { Self("invalid_query") }
    /// The configured base URL or request could not be built.
    public static var invalidConfiguration: Self { Self("invalid_configuration") }
}

extension ComplianceAPIError {
    public init(
        code: Code,
        status: Int? = nil,
        errorType: String? = nil,
        message: String,
        requestID: String? = nil,
        retryAfter: Duration? = nil,
        shouldRetry: Bool? = nil
    ) {
        let response = ComplianceAPIFailure(
            status: status,
            errorType: errorType,
            requestID: requestID,
            retryAfter: retryAfter,
            shouldRetry: shouldRetry
        )
        self.init(code: code, message: message, context: response)
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
