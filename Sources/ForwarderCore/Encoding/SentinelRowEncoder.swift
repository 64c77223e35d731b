import ComplianceAPI

/// One row of the Microsoft Sentinel custom table `ClaudeComplianceActivity_CL`: flat columns for
/// the questions people ask in KQL, and the original record as a `dynamic` column.
///
/// The columns and their types are ``columns``; `examples/sentinel/` declares the same table and
/// data collection rule stream, and a test keeps the three in step. Absent values are left out of
/// the row (Azure stores them as empty), never written as empty strings.
public struct SentinelRowEncoder: Sendable {
    /// A column of the custom table and the stream.
    public struct Column: Sendable, Hashable {
        public var name: String
        /// The Log Analytics type: `datetime`, `string`, `int` or `dynamic`.
        public var type: String
    }

    /// Every column a row may carry, in row order.
    public static let columns: [Column] = [
        ("TimeGenerated", "datetime"), ("ActivityId", "string"), ("ActivityType", "string"),
        ("EventName", "string"), ("EventCategory", "string"), ("EventOutcome", "string"),
        ("Severity", "int"), ("ActorKind", "string"), ("ActorId", "string"), ("ActorEmail", "string"),
        ("SrcIpAddr", "string"), ("UserAgent", "string"), ("OrganizationId", "string"),
        ("OrganizationName", "string"), ("RawRecord", "dynamic"),
    ].map { Column(name: $0.0, type: $0.1) }

    public init() {}

    /// Appends the row for `activity` as one JSON object.
    public func encode(_ activity: Activity, into buffer: inout [UInt8]) {
        let mapping = ActivityMappingTable.mapping(for: activity.type)
        let facts = ActivityFacts(activity: activity, mapping: mapping)
        var json = JSONWriter(capacity: 0)
        swap(&json.bytes, &buffer)
        defer { swap(&json.bytes, &buffer) }
        json.bytes.appendStatic("{\"TimeGenerated\":\"")
        ByteFormatting.appendRFC3339(activity.createdAt, fraction: .exactly(3), into: &json.bytes)
        json.bytes.append(UInt8(ascii: "\""))
        Self.write("ActivityId", activity.id, into: &json)
        Self.write("ActivityType", activity.type, into: &json)
        Self.write("EventName", mapping.name, into: &json)
        Self.write("EventCategory", mapping.categories.map(\.rawValue).joined(separator: ","), into: &json)
        Self.write("EventOutcome", facts.outcome.rawValue, into: &json)
        json.bytes.appendStatic(",\"Severity\":")
        json.writeInteger(mapping.severity)
        Self.write("ActorKind", activity.actor.kind.rawValue, into: &json)
        Self.write("ActorId", facts.actorID, into: &json)
        Self.write("ActorEmail", facts.actorEmail, into: &json)
        Self.write("SrcIpAddr", facts.ipAddress, into: &json)
        Self.write("UserAgent", facts.userAgent, into: &json)
        Self.write("OrganizationId", ActivityFacts.nonEmpty(activity.organizationID), into: &json)
        Self.write("OrganizationName", facts.organizationName, into: &json)
        json.bytes.appendStatic(",\"RawRecord\":")
        ActivityEncoder.appendRaw(activity, into: &json.bytes)
        json.bytes.append(UInt8(ascii: "}"))
    }

    private static func write(_ key: String, _ value: String?, into json: inout JSONWriter) {
        guard let value, !value.isEmpty else { return }
        json.bytes.append(UInt8(ascii: ","))
        json.writeKey(key)
        json.writeString(value)
    }
}
