/// One record of the activity feed, decoded losslessly.
///
/// Only the fields every record shares are decoded; everything else stays in ``extra`` exactly as
/// received, and ``rawJSON`` holds the record's original bytes, so new activity types, new actor
/// variants and new fields reach the SIEM untouched.
public struct Activity: Sendable, Hashable, Identifiable {
    /// `activity_…`: unique, opaque, and the key every receiver deduplicates on.
    public let id: String
    /// When the activity happened (parsed from any RFC 3339 precision and offset).
    public let createdAt: RFC3339Timestamp
    /// The activity type, for example `sso_login_succeeded`; new values ship without notice.
    public let type: String
    /// `org_…`, or `nil` for activities not tied to an organisation (sign-in, Compliance API calls).
    public let organizationID: String?
    /// The same organisation as a UUID, or `nil`.
    public let organizationUUID: String?
    /// Who did it.
    public let actor: Actor
    /// Every top-level field except the six above, verbatim and in wire order.
    public let extra: JSONObject
    /// The whole record as decoded.
    public let object: JSONObject
    /// The record's original JSON text, byte for byte.
    public let rawJSON: String

    /// The fields every activity carries.
    public static let commonFields: Set<String> = [
        "id", "created_at", "type", "organization_id", "organization_uuid", "actor",
    ]

    /// Decodes a record. Fails with a reason when `id`, `created_at` or `type` is missing or invalid:
    /// such a record cannot be deduplicated or ordered and must be quarantined, not forwarded blind.
    public init(object: JSONObject, rawJSON: String) throws(InvalidRecord) {
        guard let id = object.string("id"), !id.isEmpty else {
            throw InvalidRecord(rawJSON: rawJSON, reason: "record has no string \"id\"")
        }
        guard let createdAtText = object.string("created_at") else {
            throw InvalidRecord(rawJSON: rawJSON, reason: "record \(id) has no string \"created_at\"")
        }
        guard let createdAt = RFC3339Timestamp(createdAtText) else {
            throw InvalidRecord(rawJSON: rawJSON, reason: "record \(id) has an invalid created_at \"\(createdAtText)\"")
        }
        guard let type = object.string("type"), !type.isEmpty else {
            throw InvalidRecord(rawJSON: rawJSON, reason: "record \(id) has no string \"type\"")
        }
        self.id = id
        self.createdAt = createdAt
        self.type = type
        self.organizationID = object.string("organization_id")
        self.organizationUUID = object.string("organization_uuid")
        self.actor = Actor(fields: object["actor"]?.objectValue ?? JSONObject())
        self.extra = JSONObject(members: object.members.filter { !Self.commonFields.contains($0.key) })
        self.object = object
        self.rawJSON = rawJSON
    }

    /// Decodes a record from its JSON text.
    public init(json: String) throws(InvalidRecord) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(json)
        } catch {
            throw InvalidRecord(rawJSON: json, reason: error.description)
        }
        guard let object = value.objectValue else {
            throw InvalidRecord(rawJSON: json, reason: "record is not a JSON object")
        }
        try self.init(object: object, rawJSON: json)
    }
}

/// A record the API returned that cannot be decoded as an ``Activity``, with the reason.
///
/// Nothing is dropped silently: the forwarder writes these to its dead-letter file.
public struct InvalidRecord: Error, Sendable, Hashable, CustomStringConvertible {
    /// The record's original JSON text.
    public var rawJSON: String
    public var reason: String

    public init(rawJSON: String, reason: String) {
        self.rawJSON = rawJSON
        self.reason = reason
    }

    public var description: String { "invalid activity record: \(reason)" }
}
