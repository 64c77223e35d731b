import ComplianceAPI
import ForwarderCore

/// What one protocol (webhook, Splunk HEC, Elasticsearch `_bulk`) adds to plain HTTP: how an
/// event is written, how events are framed into a body, and what a reply means for each event.
///
/// Dialects are pure: no I/O, no clocks. ``HTTPDelivery`` does the sending and the retrying.
protocol HTTPDialect: Sendable {
    /// Bytes of framing the body adds per event (separators), for the `max_bytes` accounting.
    var framingPerEvent: Int { get }
    /// The request's `Content-Type`.
    var contentType: String { get }
    /// Appends the wire form of one event (a HEC envelope, a `_bulk` action and document pair, a
    /// webhook line or array element).
    func encode(_ event: Event, readAt: RFC3339Timestamp, into writer: inout JSONWriter)
    /// Appends the wire form of an `archive_segment_sealed` event, framed like one event.
    func encodeAnchor(_ anchor: ArchiveAnchor, into writer: inout JSONWriter)
    /// The uncompressed request body for `events`.
    func body(for events: EncodedEvents) -> [UInt8]
    /// What the reply means for the request and for each of its events.
    func classify(_ reply: HTTPReply, for events: EncodedEvents) -> RequestOutcome
}

/// A reply as the dialects see it.
struct HTTPReply: Sendable {
    var status: Int
    /// The body, possibly truncated to the transport's limit.
    var body: [UInt8]
    /// The parsed `Retry-After` header, if any.
    var retryAfter: Duration?

    init(status: Int, body: [UInt8] = [], retryAfter: Duration? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }

    /// The body as text for messages: at most `limit` bytes, control characters flattened.
    func bodyExcerpt(limit: Int = 300) -> String {
        let cut = body.prefix(limit).map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: " ") : $0 }
        let text = String(decoding: cut, as: UTF8.self)
        return body.count > limit ? text + "…" : text
    }
}

/// The meaning of a reply.
enum RequestOutcome: Sendable {
    /// Every event was accepted; with HEC indexer acknowledgement, `indexerAckID` is what
    /// must be confirmed before the events count as delivered.
    case accepted(indexerAckID: UInt64?)
    /// Stored except `rejected` events the receiver does not name (OTLP `partial_success`):
    /// every event counts as delivered, and the refusal is counted and logged.
    case acceptedPartially(rejected: Int, message: String)
    /// One outcome per event, in request order (`_bulk` items, HEC partial acceptance).
    case perEvent([EventOutcome])
    /// Send the same events again after a backoff (at least `retryAfter`).
    case retry(HTTPSinkError, retryAfter: Duration?)
    /// Nothing is wrong with the events; the sink is misconfigured. Retried with backoff while
    /// the sink reports unhealthy.
    case configuration(HTTPSinkError)
    /// Too large for the receiver: split, and dead-letter a single event that still does not fit.
    case tooLarge(HTTPSinkError)
    /// The receiver refused the content without saying which event: split until the culprit is
    /// alone, then dead-letter it.
    case rejected(HTTPSinkError)
}

/// What happened to one event of a request.
enum EventOutcome: Sendable, Equatable {
    /// Stored (for `_bulk` also a 409 on `create`: stored by an earlier attempt).
    case delivered
    /// Refused for good; goes to the dead-letter file with this status and reason.
    case deadLetter(status: Int, reason: String)
    /// Refused for now (overload); send again after a backoff.
    case retry(reason: String)
    /// Not processed because an earlier event failed; send again at once.
    case resend
}

/// How the plain HTTP status of a whole request is treated when a dialect has nothing more specific.
enum HTTPStatusClass: Equatable {
    case success, retry, configuration, tooLarge, rejected

    init(status: Int) {
        switch status {
        case 200..<300: self = .success
        // 408 and 429 are about timing, not content; 5xx may clear up.
        case 408, 429, 500..<600: self = .retry
        case 413: self = .tooLarge
        // "Your data is wrong": find the event and dead-letter it.
        case 400, 422: self = .rejected
        // 401/403/404/405/415, redirects (not followed: they could carry credentials elsewhere)
        // and anything unexpected: a person must look, the events are not at fault.
        default: self = .configuration
        }
    }

    /// The outcome for a status that needs no body parsing (never `.success`).
    static func outcome(_ reply: HTTPReply, context: String) -> RequestOutcome {
        let detail = reply.body.isEmpty ? "" : ": \(reply.bodyExcerpt())"
        switch HTTPStatusClass(status: reply.status) {
        case .success:
            return .accepted(indexerAckID: nil)
        case .retry:
            return .retry(
                HTTPSinkError(code: .unavailable, message: "\(context) is unavailable\(detail)", status: reply.status),
                retryAfter: reply.retryAfter
            )
        case .tooLarge:
            return .tooLarge(
                HTTPSinkError(
                    code: .tooLarge,
                    message: "\(context) refused the body size\(detail)",
                    status: reply.status
                )
            )
        case .rejected:
            return .rejected(
                HTTPSinkError(
                    code: .rejected,
                    message: "\(context) rejected the request\(detail)",
                    status: reply.status
                )
            )
        case .configuration:
            return .configuration(
                HTTPSinkError(
                    code: .configuration,
                    message: "\(context) refused the request (check URL, credentials and permissions)\(detail)",
                    status: reply.status
                )
            )
        }
    }
}
