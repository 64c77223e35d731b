import ComplianceAPI
import ForwarderCore

/// `mode: elasticsearch`: `create` actions POSTed to `<url>/<index>/_bulk` as NDJSON.
///
/// A 2xx reply is read item by item (``BulkResponse``): stored and duplicate documents are
/// delivered, overloaded ones retried alone, refused ones dead-lettered; documents that
/// succeeded are never sent again. Whole-request statuses follow ``HTTPStatusClass``: 413 splits
/// the request, 401/403 are configuration errors (retried with backoff while unhealthy),
/// 429/5xx are retried, and a 400 (a body Elasticsearch could not read) is split until the
/// document at fault is alone and dead-lettered.
struct ElasticsearchDialect: HTTPDialect {
    let encoder: EventEncoder
    let bulk: BulkRequestEncoder

    var framingPerEvent: Int { 0 }
    var contentType: String { "application/x-ndjson" }

    func encode(_ event: Event, readAt: RFC3339Timestamp, into writer: inout JSONWriter) {
        bulk.encode(activityID: event.activity.id, into: &writer) { bytes in
            encoder.append(event, readAt: readAt, to: &bytes)
        }
    }

    /// `_id` = `archive_segment_sealed-<manifest SHA-256>`: a replay is a 409, delivered.
    func encodeAnchor(_ anchor: ArchiveAnchor, into writer: inout JSONWriter) {
        bulk.encode(activityID: anchor.eventID, into: &writer) { bytes in
            encoder.formatter.appendAnchor(anchor, into: &bytes)
        }
    }

    func body(for events: EncodedEvents) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(events.byteCount)
        events.appendEach(to: &body, separator: nil)
        return body
    }

    func classify(_ reply: HTTPReply, for events: EncodedEvents) -> RequestOutcome {
        guard (200..<300).contains(reply.status) else {
            return HTTPStatusClass.outcome(reply, context: "Elasticsearch")
        }
        guard let response = BulkResponse(body: reply.body) else {
            return .retry(
                HTTPSinkError(
                    code: .malformedReply,
                    message: "Elasticsearch answered \(reply.status) without a _bulk result: \(reply.bodyExcerpt())",
                    status: reply.status
                ),
                retryAfter: reply.retryAfter
            )
        }
        return .perEvent(response.outcomes(expectedIDs: events.events.map(\.activityID)))
    }
}
