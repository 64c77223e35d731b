import ComplianceAPI

/// Writes Splunk HEC `/services/collector/event` envelopes (formats.md §4):
///
/// ```
/// {"time":1714566896.789,"host":"fwd.example.com","source":"acme-audit","sourcetype":"acme:audit:ecs",
///  "index":"security","event":{…ECS…},"fields":{"activity_id":"act_01HZX3","activity_type":"…"}}
/// ```
///
/// - `time` is the activity's `created_at` in epoch seconds with a millisecond fraction, truncated
///   (never rounded, never exponent notation, no fraction when it is zero), so Splunk's `_time` is
///   when the activity happened, not when it was forwarded.
/// - `event` is the ECS (or raw) JSON object embedded as is, or the CEF line as a JSON string.
/// - `fields` are indexed fields: `activity_id` lets searches drop the duplicates that at-least-once
///   delivery can produce (`| dedup activity_id`) without parsing the event.
/// - `host`, `source`, `sourcetype` and `index` are written only when set: absent, HEC uses the
///   token's defaults.
///
/// Envelopes in a request are separated by LF, never wrapped in a JSON array.
struct SplunkHECEncoder: Sendable {
    var host: String?
    var source: String?
    var sourcetype: String?
    var index: String?
    /// Whether the event body is JSON (ECS, raw) or a text line (CEF).
    var eventIsJSON: Bool

    /// Appends one envelope; `appendEvent` appends the event body (JSON, or text when
    /// ``eventIsJSON`` is false).
    func encode(
        activity: Activity,
        into writer: inout JSONWriter,
        appendEvent: (inout [UInt8]) -> Void
    ) {
        encode(
            time: activity.createdAt,
            fields: [("activity_id", activity.id), ("activity_type", activity.type)],
            into: &writer,
            appendEvent: appendEvent
        )
    }

    /// Appends one envelope with `time` and the indexed `fields` given (an
    /// `archive_segment_sealed` event carries `event_action` and `manifest_sha256`).
    func encode(
        time: RFC3339Timestamp,
        fields: [(String, String)],
        into writer: inout JSONWriter,
        appendEvent: (inout [UInt8]) -> Void
    ) {
        writer.writeRaw("{\"time\":")
        Self.appendEpochSeconds(time, to: &writer.bytes)
        Self.appendMember("host", host, to: &writer)
        Self.appendMember("source", source, to: &writer)
        Self.appendMember("sourcetype", sourcetype, to: &writer)
        Self.appendMember("index", index, to: &writer)
        writer.writeRaw(",\"event\":")
        if eventIsJSON {
            appendEvent(&writer.bytes)
        } else {
            var line: [UInt8] = []
            appendEvent(&line)
            writer.writeString(String(decoding: line, as: UTF8.self))
        }
        writer.writeRaw(",\"fields\":{")
        for (position, field) in fields.enumerated() {
            if position > 0 { writer.writeRaw(",") }
            writer.writeKey(field.0)
            writer.writeString(field.1)
        }
        writer.writeRaw("}}")
    }

    private static func appendMember(_ key: StaticString, _ value: String?, to writer: inout JSONWriter) {
        guard let value else { return }
        writer.writeRaw(",\"")
        writer.bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        writer.writeRaw("\":")
        writer.writeString(value)
    }

    /// `1714566896.789`, `1714566896` when the milliseconds are zero, `1714566896.050` keeps its
    /// zeros (three digits always, so the value reads the same everywhere).
    static func appendEpochSeconds(_ timestamp: RFC3339Timestamp, to bytes: inout [UInt8]) {
        // Truncate toward the past below the millisecond, as formats.md §4.1 vector 2 asks.
        let nanoseconds = timestamp.nanosecondsSinceEpoch
        var milliseconds = nanoseconds / 1_000_000
        if nanoseconds < 0, nanoseconds % 1_000_000 != 0 { milliseconds -= 1 }
        if milliseconds < 0 {
            bytes.append(UInt8(ascii: "-"))
            milliseconds = -milliseconds
        }
        bytes.append(contentsOf: String(milliseconds / 1000).utf8)
        let fraction = milliseconds % 1000
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }
}
