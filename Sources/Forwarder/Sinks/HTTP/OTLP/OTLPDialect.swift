import ComplianceAPI
import ForwarderCore
import SwiftProtobuf

/// `mode: otlp`: OpenTelemetry logs over OTLP/HTTP. Each request is one
/// `ExportLogsServiceRequest` POSTed to `<collector>/v1/logs`, in the protobuf binary encoding
/// (`application/x-protobuf`) or OTLP/JSON (`application/json`); one `LogRecord` per activity
/// (``OTLPLogRecordEncoder``).
///
/// Each event is encoded once, so the request size limits count real bytes. In protobuf, an
/// event's bytes are a whole `ExportLogsServiceRequest` holding its own `ResourceLogs`, and a
/// request body is those bytes concatenated: protobuf defines concatenated messages as their
/// merge, and `resource_logs` is repeated, so nothing is decoded or encoded twice (each record
/// carries its resource; gzip absorbs the repetition). OTLP/JSON cannot be concatenated:
/// ``body(for:)`` reads the events back and groups them under one `ResourceLogs` per
/// organisation.
///
/// Replies (OTLP specification, "OTLP/HTTP Response"): 2xx is success, and its
/// `ExportLogsServiceResponse` may carry `partial_success` (see ``classify(_:for:)``); 429, 502,
/// 503 and 504 are retried after `Retry-After` (408 too: timing, not content); 413 splits the
/// request; 400 and the other 5xx are not to be retried, so the request is split until the
/// record at fault is alone and dead-lettered; 401, 403, 404 and other statuses are
/// configuration problems (held and retried while the sink is unhealthy: no record is at fault).
struct OTLPDialect: HTTPDialect {
    let encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding
    let records: OTLPLogRecordEncoder

    init(encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding, records: OTLPLogRecordEncoder = .init()) {
        self.encoding = encoding
        self.records = records
    }

    private var isJSON: Bool { encoding == .json }

    /// A record in a request costs its encoded size (protobuf: the bytes already hold their
    /// field tag and length) plus a comma (JSON).
    var framingPerEvent: Int { isJSON ? 1 : 0 }

    var contentType: String { isJSON ? "application/json" : "application/x-protobuf" }

    func encode(_ event: Event, readAt: RFC3339Timestamp, into writer: inout JSONWriter) {
        append(records.resourceLogs(for: event, observedAt: readAt), to: &writer)
    }

    func encodeAnchor(_ anchor: ArchiveAnchor, into writer: inout JSONWriter) {
        append(records.resourceLogs(for: anchor, observedAt: .now), to: &writer)
    }

    private func append(_ logs: OTLPResourceLogs, to writer: inout JSONWriter) {
        // Neither can fail for these messages (no required fields, no Any, under 2 GiB); if one
        // did, the event's bytes stay empty and `body(for:)` sends the fallback record instead.
        writer.bytes.append(contentsOf: serialized(logs) ?? [])
    }

    private func serialized(_ logs: OTLPResourceLogs) -> [UInt8]? {
        if isJSON { return try? logs.jsonUTF8Bytes(options: .otlp) }
        var request = OTLPExportLogsRequest()
        request.resourceLogs = [logs]
        return try? request.serializedBytes()
    }

    func body(for events: EncodedEvents) -> [UInt8] {
        guard isJSON else {
            var body: [UInt8] = []
            body.reserveCapacity(events.bytes.count)
            for event in events.events {
                if event.range.isEmpty {
                    body += serialized(records.fallback(activityID: event.activityID, record: event.record)) ?? []
                } else {
                    body += events.bytes[event.range]
                }
            }
            return body
        }
        return (try? exportRequest(for: events).jsonUTF8Bytes(options: .otlp)) ?? []
    }

    /// The events of a request as one `ExportLogsServiceRequest`: one `ResourceLogs` per distinct
    /// resource, in order of first appearance, each with one `ScopeLogs` holding its records in
    /// request order (what is sent in JSON; in protobuf, what the concatenated body decodes to
    /// once grouped).
    func exportRequest(for events: EncodedEvents) -> OTLPExportLogsRequest {
        var request = OTLPExportLogsRequest()
        var positions: [OTLPResource: Int] = [:]
        for event in events.events {
            let bytes = Array(events.bytes[event.range])
            let decoded: OTLPResourceLogs? =
                if bytes.isEmpty {
                    nil
                } else if isJSON {
                    try? OTLPResourceLogs(jsonUTF8Bytes: bytes, options: .otlp)
                } else {
                    (try? OTLPExportLogsRequest(serializedBytes: bytes))?.resourceLogs.first
                }
            let logs = decoded ?? records.fallback(activityID: event.activityID, record: event.record)
            guard let scope = logs.scopeLogs.first else { continue }
            if let position = positions[logs.resource] {
                request.resourceLogs[position].scopeLogs[0].logRecords += scope.logRecords
            } else {
                positions[logs.resource] = request.resourceLogs.count
                request.resourceLogs.append(logs)
            }
        }
        return request
    }

    /// 2xx: the `ExportLogsServiceResponse` decides. No `partial_success`, or one rejecting
    /// nothing: every record is delivered. Some rejected: OTLP does not say which, so every
    /// record counts as delivered and the count and the collector's message are reported
    /// (``RequestOutcome/acceptedPartially(rejected:message:)``). Every record rejected: all of
    /// them are dead-lettered with the collector's message. A 2xx body that is not a response
    /// (a proxy's page) is still a success: the status is what the specification defines.
    func classify(_ reply: HTTPReply, for events: EncodedEvents) -> RequestOutcome {
        switch reply.status {
        case 200..<300:
            guard let partial = partialSuccess(reply.body), partial.rejectedLogRecords > 0 else {
                return .accepted(indexerAckID: nil)
            }
            let message = partial.errorMessage.isEmpty ? "no error_message" : partial.errorMessage
            if partial.rejectedLogRecords >= Int64(events.count) {
                let reason = "the collector rejected every log record of the request (partial_success): \(message)"
                return .perEvent(
                    Array(repeating: .deadLetter(status: reply.status, reason: reason), count: events.count)
                )
            }
            return .acceptedPartially(rejected: Int(partial.rejectedLogRecords), message: message)
        case 408, 413, 429, 502, 503, 504:
            return HTTPStatusClass.outcome(reply, context: "the OTLP collector")
        case 400, 500..<600:
            return .rejected(
                HTTPSinkError(
                    code: .rejected,
                    message: "the OTLP collector rejected the request: \(reply.bodyExcerpt())",
                    status: reply.status
                )
            )
        default:
            return .configuration(
                HTTPSinkError(
                    code: .configuration,
                    message:
                        "the OTLP collector refused the request (check url, headers and permissions): \(reply.bodyExcerpt())",
                    status: reply.status
                )
            )
        }
    }

    /// The reply's `partial_success`, in the encoding of the request (the specification has the
    /// collector answer in the request's content type); `nil` when absent or unreadable.
    func partialSuccess(_ body: [UInt8]) -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsPartialSuccess? {
        guard !body.isEmpty else { return nil }
        let response: OTLPExportLogsResponse? =
            isJSON
            ? try? OTLPExportLogsResponse(jsonUTF8Bytes: body, options: .otlp)
            : try? OTLPExportLogsResponse(serializedBytes: body)
        guard let response, response.hasPartialSuccess else { return nil }
        return response.partialSuccess
    }
}
