/// Why an HTTP sink request did not deliver its events.
///
/// The sink decides by ``isRetryable`` and ``code``, never by parsing messages. Messages never
/// contain credentials or the request URL's path and query (webhook URLs often carry tokens):
/// only `scheme://host:port`, statuses, receiver codes and the receiver's (scrubbed) reason.
public struct HTTPSinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }

        /// No reply: connection refused or reset, TLS failure, DNS, timeout. Retried.
        public static let transport = Code("transport")
        /// The receiver is overloaded or failing (408, 429, 5xx, HEC codes 8/9/18–20/23). Retried.
        public static let unavailable = Code("unavailable")
        /// Credentials, URL, index, channel or TLS trust are wrong (401, 403, 404, HEC codes 1–4, 7,
        /// 10, 11, 14, 16, a failed TLS handshake): no event is at fault. Retried with backoff while the sink reports unhealthy, so
        /// nothing is acknowledged and the pipeline stops fetching until an operator fixes it.
        public static let configuration = Code("configuration")
        /// The receiver refused the content of one or more events. Those events are dead-lettered.
        public static let rejected = Code("rejected")
        /// The request body exceeded the receiver's limit (413): the request is split.
        public static let tooLarge = Code("too_large")
        /// A 2xx reply that could not be understood. Retried (Elasticsearch `create` is
        /// idempotent; for the other modes a duplicate is preferred to a loss).
        public static let malformedReply = Code("malformed_reply")
        /// The sink could not be set up (TLS material, URL). Not retried: the sink stops.
        public static let setup = Code("setup")

        public var description: String { name }
    }

    public var code: Code
    /// What happened, for operators (already scrubbed of secrets).
    public var message: String
    /// The HTTP status, when there was a reply.
    public var status: Int?

    public init(code: Code, message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// Whether sending the same events again can succeed without anyone changing anything.
    ///
    /// Configuration errors are retried by the sink anyway (an operator may fix the token while it
    /// waits), but they are not *retryable* in this sense: they need a person.
    public var isRetryable: Bool {
        code == .transport || code == .unavailable || code == .malformedReply
    }

    public var description: String {
        if let status { return "\(code) (HTTP \(status)): \(message)" }
        return "\(code): \(message)"
    }
}
