import ComplianceAPI
import ForwarderCore

/// `mode: webhook`: the batch POSTed as NDJSON (one event per LF-terminated line) or as one JSON
/// array, to any URL.
///
/// With `format: cef` an NDJSON body carries plain CEF lines (`text/plain`), and a JSON array
/// carries each CEF line as a JSON string. Any 2xx accepts the whole batch; see
/// ``HTTPStatusClass`` for the other statuses.
struct WebhookDialect: HTTPDialect {
    let encoder: EventEncoder
    let arrayBody: Bool

    private var eventsAreJSON: Bool { encoder.formatter.format.isJSON }

    var framingPerEvent: Int { 1 }

    var contentType: String {
        if arrayBody { return "application/json" }
        return eventsAreJSON ? "application/x-ndjson" : "text/plain; charset=utf-8"
    }

    func encode(_ event: Event, readAt: RFC3339Timestamp, into writer: inout JSONWriter) {
        if arrayBody, !eventsAreJSON {
            var line: [UInt8] = []
            encoder.append(event, readAt: readAt, to: &line)
            writer.writeString(String(decoding: line, as: UTF8.self))
        } else {
            encoder.append(event, readAt: readAt, to: &writer.bytes)
        }
    }

    func encodeAnchor(_ anchor: ArchiveAnchor, into writer: inout JSONWriter) {
        if arrayBody, !eventsAreJSON {
            var line: [UInt8] = []
            encoder.formatter.appendAnchor(anchor, into: &line)
            writer.writeString(String(decoding: line, as: UTF8.self))
        } else {
            encoder.formatter.appendAnchor(anchor, into: &writer.bytes)
        }
    }

    func body(for events: EncodedEvents) -> [UInt8] {
        if arrayBody { return events.jsonArray() }
        var body: [UInt8] = []
        body.reserveCapacity(events.byteCount + events.count)
        events.appendEach(to: &body, separator: UInt8(ascii: "\n"))
        return body
    }

    func classify(_ reply: HTTPReply, for events: EncodedEvents) -> RequestOutcome {
        HTTPStatusClass.outcome(reply, context: "the webhook")
    }
}
