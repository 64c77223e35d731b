import ComplianceAPI

/// What one activity becomes in an OpenTelemetry log record (`mode: otlp`), without the wire
/// types: the OTLP sink turns these values into the generated protobuf messages.
///
/// - Attributes use the OpenTelemetry semantic conventions where one names the fact
///   (`event.name`, `log.record.uid` = the activity id, `user.id`, `user.email`,
///   `client.address`, `user_agent.original`, `url.full`, `http.request.method`,
///   `http.response.status_code`, `file.name`), and the `claude.` namespace for the rest
///   (the ECS categorisation, actor kind, target user, request id, self-generated tag).
/// - Severity follows the mapping table's CEF severity through the same four bands as syslog:
///   0–3 `INFO` (9), 4–6 `INFO2` (10, notice), 7–8 `WARN` (13), 9–10 `ERROR2` (18, critical),
///   the OpenTelemetry data model's mapping of the syslog severities.
/// - The resource carries `service.name`, `service.version` and the activity's organisation
///   (``resourceAttributes``); records of different organisations go in different resources.
public struct OTLPLogFields: Sendable {
    /// An attribute value: the OTLP `AnyValue` kinds this mapping uses.
    public enum Value: Sendable, Hashable {
        case string(String)
        case int(Int64)
        case bool(Bool)
        case strings([String])
    }

    /// One attribute.
    public struct Attribute: Sendable, Hashable {
        public var key: String
        public var value: Value

        public init(_ key: String, _ value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// `service.name` of the resource.
    public static let serviceName = "compliance-forwarder"
    /// The instrumentation scope's name.
    public static let scopeName = "compliance-forwarder"

    /// `severity_number` (1–24).
    public var severityNumber: Int
    /// `severity_text`: the OpenTelemetry short name of ``severityNumber``.
    public var severityText: String
    /// The record's attributes, in a stable order.
    public var attributes: [Attribute]
    /// The resource's organisation attributes (`claude.organization.id`, `claude.organization.name`).
    public var organization: [Attribute]

    /// - Parameters:
    ///   - activity: The activity.
    ///   - selfGenerated: Whether the forwarder's own polling caused it (`claude.self_generated`).
    public init(activity: Activity, selfGenerated: Bool) {
        let mapping = ActivityMappingTable.mapping(for: activity.type)
        let facts = ActivityFacts(activity: activity, mapping: mapping)
        (severityNumber, severityText) = Self.severity(forCEFSeverity: mapping.severity)
        var attributes: [Attribute] = []
        attributes.reserveCapacity(20)
        func add(_ key: String, _ text: String?) {
            if let text, !text.isEmpty { attributes.append(Attribute(key, .string(text))) }
        }
        add("event.name", activity.type)
        add("log.record.uid", activity.id)
        add("user.id", facts.actorID)
        // An email nobody authenticated is what someone typed: not `user.email`.
        add(facts.actorEmailIsAuthenticated ? "user.email" : "claude.actor.unauthenticated_email", facts.actorEmail)
        add("client.address", facts.ipAddress)
        add("user_agent.original", facts.userAgent)
        add("url.full", facts.url)
        add("http.request.method", facts.requestMethod)
        if let status = facts.statusCode { attributes.append(Attribute("http.response.status_code", .int(status))) }
        add("file.name", facts.fileName)
        add("claude.actor.kind", activity.actor.kind.rawValue)
        add("claude.event.title", mapping.name)
        attributes.append(Attribute("claude.event.category", .strings(mapping.categories.map(\.rawValue))))
        attributes.append(Attribute("claude.event.type", .strings(mapping.types.map(\.rawValue))))
        add("claude.event.outcome", facts.outcome.rawValue)
        add("claude.event.reason", facts.reason)
        attributes.append(Attribute("claude.event.severity", .int(Int64(mapping.severity))))
        add("claude.target.user.id", facts.targetID)
        add("claude.target.user.email", facts.targetEmail)
        add("claude.target.user.role", facts.targetRole)
        if !facts.memberIDs.isEmpty {
            attributes.append(Attribute("claude.target.member_ids", .strings(facts.memberIDs)))
        }
        add("claude.request.id", facts.requestID)
        if selfGenerated { attributes.append(Attribute("claude.self_generated", .bool(true))) }
        self.attributes = attributes
        var organization: [Attribute] = []
        if let id = ActivityFacts.nonEmpty(activity.organizationID) {
            organization.append(Attribute("claude.organization.id", .string(id)))
        }
        if let name = facts.organizationName {
            organization.append(Attribute("claude.organization.name", .string(name)))
        }
        self.organization = organization
    }

    /// The resource attributes for records of an organisation: `service.name`, `service.version`,
    /// then ``organization``.
    public func resourceAttributes(serviceVersion: String) -> [Attribute] {
        [Attribute("service.name", .string(Self.serviceName)), Attribute("service.version", .string(serviceVersion))]
            + organization
    }

    /// The OpenTelemetry severity for a CEF severity, in the syslog sink's bands (see the type's
    /// discussion).
    public static func severity(forCEFSeverity cefSeverity: Int) -> (number: Int, text: String) {
        switch cefSeverity {
        case ...3: (9, "INFO")
        case 4...6: (10, "INFO2")
        case 7...8: (13, "WARN")
        default: (18, "ERROR2")
        }
    }
}
