import ComplianceAPI
import ForwarderCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds the OTLP messages of one activity from ``OTLPLogFields``: a `ResourceLogs` holding the
/// activity's resource (service and organisation), the forwarder's instrumentation scope and one
/// `LogRecord`.
///
/// The body is the original record as one string value, byte for byte: a `kvlistValue` would
/// turn JSON numbers into int or double values (large integers and decimal digits would change),
/// lose key order and could not say `null` — the archive's hash and the other sinks carry the
/// record exactly, and so does this one.
struct OTLPLogRecordEncoder: Sendable {
    /// `service.version` and the scope's version.
    var version: String = ComplianceClient.version

    /// The `ResourceLogs` of one event; `observedAt` is when the forwarder read it.
    func resourceLogs(for event: Event, observedAt: RFC3339Timestamp) -> OTLPResourceLogs {
        let activity = event.activity
        let fields = OTLPLogFields(activity: activity, selfGenerated: event.selfGenerated)
        var record = OTLPLogRecord()
        record.timeUnixNano = Self.unixNanoseconds(activity.createdAt)
        record.observedTimeUnixNano = Self.unixNanoseconds(observedAt)
        record.severityNumber = OTLPSeverityNumber(rawValue: fields.severityNumber) ?? .unspecified
        record.severityText = fields.severityText
        record.eventName = activity.type
        record.body = Self.string(activity.rawJSON)
        record.attributes = fields.attributes.map(Self.keyValue)
        return Self.wrap(record, resource: fields.resourceAttributes(serviceVersion: version), version: version)
    }

    /// The `ResourceLogs` of an `archive_segment_sealed` event: `event_name` is the action, the
    /// body the anchor as one JSON object (the raw format's document) and each field an attribute
    /// under `claude.archive.`, so a collector can route and index anchors without parsing.
    func resourceLogs(for anchor: ArchiveAnchor, observedAt: RFC3339Timestamp) -> OTLPResourceLogs {
        var record = OTLPLogRecord()
        record.timeUnixNano = RFC3339Timestamp(anchor.sealedAt).map(Self.unixNanoseconds) ?? 0
        record.observedTimeUnixNano = Self.unixNanoseconds(observedAt)
        record.severityNumber = .info
        record.severityText = "INFO"
        record.eventName = ArchiveAnchor.action
        var body: [UInt8] = []
        ActivityEncoder.appendRawAnchor(anchor, into: &body)
        record.body = Self.string(String(decoding: body, as: UTF8.self))
        var attributes = [OTLPLogFields.Attribute("event.name", .string(ArchiveAnchor.action))]
        for member in anchor.fields {
            let key = "claude.archive." + member.key
            switch member.value {
            case .string(let text): attributes.append(.init(key, .string(text)))
            case .number(let text): attributes.append(.init(key, Int64(text).map { .int($0) } ?? .string(text)))
            case .bool(let flag): attributes.append(.init(key, .bool(flag)))
            case .null, .array, .object: continue
            }
        }
        record.attributes = attributes.map(Self.keyValue)
        let resource = [
            OTLPLogFields.Attribute("service.name", .string(OTLPLogFields.serviceName)),
            OTLPLogFields.Attribute("service.version", .string(version)),
        ]
        return Self.wrap(record, resource: resource, version: version)
    }

    /// A record carrying only the original record and its id: what is sent if an event's encoded
    /// form could not be read back (never expected; nothing is dropped for it).
    func fallback(activityID: String, record text: String) -> OTLPResourceLogs {
        var record = OTLPLogRecord()
        record.body = Self.string(text)
        record.attributes = [Self.keyValue(OTLPLogFields.Attribute("log.record.uid", .string(activityID)))]
        let resource = [
            OTLPLogFields.Attribute("service.name", .string(OTLPLogFields.serviceName)),
            OTLPLogFields.Attribute("service.version", .string(version)),
        ]
        return Self.wrap(record, resource: resource, version: version)
    }

    private static func wrap(
        _ record: OTLPLogRecord,
        resource attributes: [OTLPLogFields.Attribute],
        version: String
    ) -> OTLPResourceLogs {
        var scope = OTLPScopeLogs()
        scope.scope.name = OTLPLogFields.scopeName
        scope.scope.version = version
        scope.logRecords = [record]
        var logs = OTLPResourceLogs()
        logs.resource.attributes = attributes.map(keyValue)
        logs.scopeLogs = [scope]
        return logs
    }

    /// Nanoseconds since the epoch; 0 (unknown, per the data model) before 1970 or after 2554,
    /// which a `fixed64` of nanoseconds cannot hold.
    static func unixNanoseconds(_ time: RFC3339Timestamp) -> UInt64 {
        guard time.secondsSinceEpoch >= 0, time.nanoseconds >= 0 else { return 0 }
        let (seconds, overflow) = UInt64(time.secondsSinceEpoch).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = seconds.addingReportingOverflow(UInt64(time.nanoseconds))
        return overflow || carry ? 0 : total
    }

    static func string(_ text: String) -> OTLPAnyValue {
        var value = OTLPAnyValue()
        value.stringValue = text
        return value
    }

    static func keyValue(_ attribute: OTLPLogFields.Attribute) -> OTLPKeyValue {
        var pair = OTLPKeyValue()
        pair.key = attribute.key
        switch attribute.value {
        case .string(let text): pair.value.stringValue = text
        case .int(let number): pair.value.intValue = number
        case .bool(let flag): pair.value.boolValue = flag
        case .strings(let texts):
            var array = OTLPArrayValue()
            array.values = texts.map(string)
            pair.value.arrayValue = array
        }
        return pair
    }
}
