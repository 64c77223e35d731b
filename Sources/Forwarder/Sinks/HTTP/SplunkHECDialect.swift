import ComplianceAPI
import ForwarderCore

/// `mode: splunk_hec`: envelopes (``SplunkHECEncoder``) POSTed to `/services/collector/event`.
///
/// Reply handling (formats.md §4):
/// - 2xx: every event accepted; with indexer acknowledgement the reply's `ackId` must still be
///   confirmed before the events count as delivered.
/// - codes 8, 9, 18–20, 23, and 408/429/5xx: the whole request is retried with backoff.
/// - codes 1–4, 7, 10, 11, 14, 16, 21, 22, and 401/403/404: a configuration problem (token,
///   index, channel), not an event problem. Nothing is dead-lettered: the sink retries with
///   backoff, reports unhealthy and logs an error, so no event is acknowledged and the pipeline
///   stops fetching until someone fixes it. Dead-lettering here would quietly empty the feed
///   into the dead-letter file because of a revoked token.
/// - codes 5, 6, 12, 13, 15 (and a 400 with no known code): the event at `invalid-event-number`
///   is dead-lettered, the ones before it were accepted, the ones after it are sent again. With
///   indexer acknowledgement the ones before it are sent again too: without an `ackId` nothing
///   says they were indexed, and a duplicate is better than a loss. Without
///   `invalid-event-number` the request is split until the culprit is alone.
/// - 413: the request is split.
struct SplunkHECDialect: HTTPDialect {
    let encoder: EventEncoder
    let envelope: SplunkHECEncoder
    let usesIndexerAcks: Bool

    static let retryCodes: Set<Int> = [8, 9, 18, 19, 20, 23]
    static let configurationCodes: Set<Int> = [1, 2, 3, 4, 7, 10, 11, 14, 16, 21, 22]
    static let eventCodes: Set<Int> = [5, 6, 12, 13, 15]

    var framingPerEvent: Int { 1 }
    var contentType: String { "application/json" }

    func encode(_ event: Event, readAt: RFC3339Timestamp, into writer: inout JSONWriter) {
        envelope.encode(activity: event.activity, into: &writer) { bytes in
            encoder.append(event, readAt: readAt, to: &bytes)
        }
    }

    func encodeAnchor(_ anchor: ArchiveAnchor, into writer: inout JSONWriter) {
        envelope.encode(
            time: RFC3339Timestamp(anchor.sealedAt) ?? .now,
            fields: [("event_action", ArchiveAnchor.action), ("manifest_sha256", anchor.manifestSHA256)],
            into: &writer
        ) { bytes in
            encoder.formatter.appendAnchor(anchor, into: &bytes)
        }
    }

    func body(for events: EncodedEvents) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(events.byteCount + events.count)
        events.appendEach(to: &body, separator: UInt8(ascii: "\n"))
        return body
    }

    func classify(_ reply: HTTPReply, for events: EncodedEvents) -> RequestOutcome {
        let parsed = SplunkHECReply(body: reply.body)
        let status = reply.status
        if (200..<300).contains(status) {
            return .accepted(indexerAckID: usesIndexerAcks ? parsed.indexerAckID : nil)
        }
        let code = parsed.code ?? -1
        if Self.configurationCodes.contains(code) || [401, 403, 404].contains(status) {
            return .configuration(
                HTTPSinkError(code: .configuration, message: "\(parsed.summary)\(Self.hint(code))", status: status)
            )
        }
        if Self.retryCodes.contains(code) || HTTPStatusClass(status: status) == .retry {
            return .retry(
                HTTPSinkError(code: .unavailable, message: parsed.summary, status: status),
                retryAfter: reply.retryAfter
            )
        }
        if status == 413 {
            return .tooLarge(HTTPSinkError(code: .tooLarge, message: "request body too large for HEC", status: status))
        }
        if Self.eventCodes.contains(code) || (status == 400 && parsed.code == nil) {
            guard let failed = parsed.invalidEventNumber, events.events.indices.contains(failed) else {
                return .rejected(HTTPSinkError(code: .rejected, message: parsed.summary, status: status))
            }
            let accepted: EventOutcome = usesIndexerAcks ? .resend : .delivered
            return .perEvent(
                events.events.indices.map { position in
                    if position < failed { return accepted }
                    if position == failed { return .deadLetter(status: status, reason: parsed.summary) }
                    return .resend
                }
            )
        }
        return HTTPStatusClass.outcome(reply, context: "Splunk HEC (\(parsed.summary))")
    }

    /// What an operator should check for a configuration code.
    static func hint(_ code: Int) -> String {
        switch code {
        case 1, 4, 21, 22: ": the token is disabled or unknown to Splunk; check `token`"
        case 2, 3: ": Splunk did not accept the Authorization header; check `token`"
        case 7: ": the token may not write to the configured `index`"
        case 10, 11:
            ": the token requires indexer acknowledgement; set `ack: { enabled: true }` (and a valid `channel`)"
        case 14: ": indexer acknowledgement is off for this token; set `ack: { enabled: false }` or enable it in Splunk"
        case 16: ": query-string authentication is disabled; do not put the token in the URL"
        default: ""
        }
    }
}
