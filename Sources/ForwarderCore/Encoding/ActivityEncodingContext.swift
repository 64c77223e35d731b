import ComplianceAPI

/// Per-event facts the encoders cannot read from the activity itself.
public struct ActivityEncodingContext: Sendable, Hashable {
    /// When the forwarder read the activity from the API (ECS `event.created`).
    public var readTime: RFC3339Timestamp
    /// Whether the record was produced by the forwarder's own polling (a `compliance_api_accessed`
    /// by the forwarder's key). Marked so SIEM rules can exclude the forwarder's own noise: ECS
    /// `labels.self_generated: "true"`, CEF `cs5=true` with `cs5Label=selfGenerated`, syslog SD
    /// `selfGenerated="true"`.
    public var selfGenerated: Bool
    /// SHA-256 of the record's original bytes (ECS `event.hash`, CEF `cs6` `recordSha256`);
    /// `nil` leaves the field out.
    public var recordHash: RecordHash?
    /// The name of the source (`sources[].name`) the activity came from: ECS `labels.source`,
    /// CEF `deviceExternalId`. `nil` (a single `source:`) leaves the field out. Names are
    /// restricted to `[a-z0-9_.-]`, so they are written without escaping.
    public var sourceName: String?

    /// - Parameters:
    ///   - readTime: when the page holding the activity was received.
    ///   - selfGenerated: whether the forwarder itself caused the activity.
    ///   - recordHash: the record's SHA-256, when computed (default none).
    ///   - sourceName: the source's name in `sources:` (default none).
    public init(
        readTime: RFC3339Timestamp,
        selfGenerated: Bool = false,
        recordHash: RecordHash? = nil,
        sourceName: String? = nil
    ) {
        self.readTime = readTime
        self.selfGenerated = selfGenerated
        self.recordHash = recordHash
        self.sourceName = sourceName
    }
}
