/// A failure the mock serves instead of a page, to prove the client and the poller survive it.
public struct MockFault: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case status(code: Int, type: String, message: String, retryAfter: Int?, shouldRetry: Bool?)
        case slow(Duration)
        case reset
        case malformedBody
    }

    let kind: Kind

    /// 429 `rate_limit_error` with `retry-after` seconds.
    public static func rateLimited(retryAfter: Int = 1) -> MockFault {
        MockFault(
            kind: .status(
                code: 429,
                type: "rate_limit_error",
                message: "Number of requests has exceeded your rate limit. Please try again later.",
                retryAfter: retryAfter,
                shouldRetry: nil
            )
        )
    }

    /// 500 `api_error`; with `shouldRetry: false` it carries `x-should-retry: false` (deterministic).
    public static func internalError(shouldRetry: Bool? = nil) -> MockFault {
        MockFault(
            kind: .status(
                code: 500,
                type: "api_error",
                message: "Internal server error",
                retryAfter: nil,
                shouldRetry: shouldRetry
            )
        )
    }

    /// 502, 503, 504 or 529 (`overloaded_error`).
    public static func unavailable(_ code: Int = 503) -> MockFault {
        MockFault(
            kind: .status(
                code: code,
                type: code == 529 ? "overloaded_error" : "api_error",
                message: code == 529 ? "Overloaded" : "Service unavailable",
                retryAfter: nil,
                shouldRetry: nil
            )
        )
    }

    /// 401 `authentication_error`.
    public static let unauthorized = MockFault(
        kind: .status(
            code: 401,
            type: "authentication_error",
            message: "API key is invalid.",
            retryAfter: nil,
            shouldRetry: nil
        )
    )

    /// 403 `permission_error` naming the missing scope, as the real API words it.
    public static let forbidden = MockFault(
        kind: .status(
            code: 403,
            type: "permission_error",
            message:
                "Missing required scopes. Got: ['read:org_users'] Needed one of: ['read:compliance_activities', 'read:org_audit']",
            retryAfter: nil,
            shouldRetry: nil
        )
    )

    /// 404 `not_found_error` "Not found".
    public static let notFound = MockFault(
        kind: .status(
            code: 404,
            type: "not_found_error",
            message: "Not found",
            retryAfter: nil,
            shouldRetry: nil
        )
    )

    /// 409 `conflict_error`.
    public static let conflict = MockFault(
        kind: .status(
            code: 409,
            type: "conflict_error",
            message: "Conflict",
            retryAfter: nil,
            shouldRetry: nil
        )
    )

    /// Answers normally, but only after `delay`.
    public static func slow(_ delay: Duration) -> MockFault { MockFault(kind: .slow(delay)) }

    /// Closes the connection after reading the request, without answering.
    public static let connectionReset = MockFault(kind: .reset)

    /// Answers 200 with a body that is not valid JSON.
    public static let malformedBody = MockFault(kind: .malformedBody)

    /// Parses a command-line name: `429`, `500`, `500-final`, `502`, `503`, `504`, `529`, `401`,
    /// `403`, `404`, `409`, `slow`, `reset`, `malformed`.
    public init?(name: String) {
        switch name {
        case "429": self = .rateLimited()
        case "500": self = .internalError()
        case "500-final": self = .internalError(shouldRetry: false)
        case "502", "503", "504", "529": self = .unavailable(Int(name) ?? 503)
        case "401": self = .unauthorized
        case "403": self = .forbidden
        case "404": self = .notFound
        case "409": self = .conflict
        case "slow": self = .slow(.seconds(2))
        case "reset": self = .connectionReset
        case "malformed": self = .malformedBody
        default: return nil
        }
    }

    init(kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case .status(let code, let type, _, _, let shouldRetry):
            "\(code) \(type)" + (shouldRetry == false ? " (x-should-retry: false)" : "")
        case .slow(let delay): "slow \(delay)"
        case .reset: "connection reset"
        case .malformedBody: "malformed body"
        }
    }
}
