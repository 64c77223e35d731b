import ComplianceAPI

/// Why an HTTP sink request did not deliver its events.
///
/// The sink decides by `isRetryable` and `code`, never by parsing messages. Messages never
/// contain credentials or the request URL's path and query (webhook URLs often carry tokens):
/// only `scheme://host:port`, statuses, receiver codes and the receiver's (scrubbed) reason.
public typealias HTTPSinkError = ForwarderError<HTTPSinkFailure>

/// What an ``HTTPSinkError`` knows besides its code and message.
public struct HTTPSinkFailure: ErrorDomain {
    /// The HTTP status, when there was a reply.
    public var status: Int?

    /// Whether sending the same events again can succeed without anyone changing anything.
    ///
    /// Configuration errors are retried by the sink anyway (an operator may fix the token while it
    /// waits), but they are not *retryable* in this sense: they need a person.
    public static func isRetryable(_ error: HTTPSinkError) -> Bool {
        error.code == .transport || error.code == .unavailable || error.code == .malformedReply
    }

    public static func describe(_ error: HTTPSinkError) -> String {
        if let status = error.status { return "\(error.code) (HTTP \(status)): \(error.message)" }
        return "\(error.code): \(error.message)"
    }
}

extension HTTPSinkError.Code {
    /// No reply: connection refused or reset, TLS failure, DNS, timeout. Retried.
    public static var transport: Self { Self("transport") }
    /// The receiver is overloaded or failing (408, 429, 5xx, HEC codes 8/9/18–20/23). Retried.
    public static var unavailable: Self { Self("unavailable") }
    /// Credentials, URL, index, channel or TLS trust are wrong (401, 403, 404, HEC codes 1–4, 7,
    /// 10, 11, 14, 16, a failed TLS handshake): no event is at fault. Retried with backoff while the sink reports unhealthy, so
    /// nothing is acknowledged and the pipeline stops fetching until an operator fixes it.
    public static var configuration: Self { Self("configuration") }
    /// The receiver refused the content of one or more events. Those events are dead-lettered.
    public static var rejected: Self { Self("rejected") }
    /// The request body exceeded the receiver's limit (413): the request is split.
    public static var tooLarge: Self { Self("too_large") }
    /// A 2xx reply that could not be understood. Retried (Elasticsearch `create` is
    /// idempotent; for the other modes a duplicate is preferred to a loss).
    public static var malformedReply: Self { Self("malformed_reply") }
    /// The sink could not be set up (TLS material, URL). Not retried: the sink stops.
    public static var setup: Self { Self("setup") }
}

extension HTTPSinkError {
    public init(code: Code, message: String, status: Int? = nil) {
        self.init(code: code, message: message, context: HTTPSinkFailure(status: status))
    }
}
