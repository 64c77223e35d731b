/// One record of the activity feed, decoded losslessly.
///
/// Only the fields every record shares are decoded; everything else stays in ``extra`` exactly as
/// received, and ``rawJSON`` holds the record's original bytes, so new activity types, new actor
/// variants and new fields reach the SIEM untouched.
public struct Activity: Sendable, Hashable, Identifiable {
    /// `activity_…`: unique, opaque, and the key every receiver deduplicates on.
    public var id: String { storage.id }
    /// When the activity happened (parsed from any RFC 3339 precision and offset).
    public var createdAt: RFC3339Timestamp { storage.createdAt }
    /// The activity type, for example `sso_login_succeeded`; new values ship without notice.
    public var type: String { storage.type }
    /// `org_…`, or `nil` for activities not tied to an organisation (sign-in, Compliance API calls).
    public var organizationID: String? { storage.organizationID }
    /// The same organisation as a UUID, or `nil`.
    public var organizationUUID: String? { storage.organizationUUID }
    /// Who did it.
    public var actor: Actor { storage.actor }
    /// Every top-level field except the six above, verbatim and in wire order.
    public var extra: JSONObject { storage.extra }
    /// The whole record, parsed again from ``rawJSON`` on each access. Nothing on the forwarding
    /// path needs it, and not keeping the decoded tree saves about 0.4 KiB per record in every
    /// page held in memory.
    public var object: JSONObject {
        let value = storage.raw.withUTF8 { bytes in try? JSONParser.parseDocument(bytes) }
        return value?.objectValue ?? JSONObject()
    }
    /// The record's original JSON text, byte for byte (invalid UTF-8, which the API does not send,
    /// is repaired). Made on each access for most records: ``withRawJSONBytes(_:)`` and
    /// ``rawJSONByteCount`` need no `String`.
    public var rawJSON: String { storage.raw.string }
    /// The length of ``rawJSON`` in UTF-8 bytes.
    public var rawJSONByteCount: Int { storage.raw.byteCount }

    /// Calls `body` with the UTF-8 bytes of ``rawJSON``.
    public func withRawJSONBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try storage.raw.withUTF8(body)
    }

    /// One immutable box: an activity is copied several times on its way to the sinks (page, event,
    /// batch, each sink), and copying eight fields, most of them reference-counted, showed in profiles.
    private let storage: ActivityStorage

    /// Equal when every decoded field and the original text are equal.
    public static func == (lhs: Activity, rhs: Activity) -> Bool {
        if lhs.storage === rhs.storage { return true }
        return lhs.id == rhs.id && lhs.createdAt == rhs.createdAt && lhs.type == rhs.type
            && lhs.organizationID == rhs.organizationID && lhs.organizationUUID == rhs.organizationUUID
            && lhs.actor == rhs.actor && lhs.extra == rhs.extra && lhs.storage.raw == rhs.storage.raw
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(createdAt)
        hasher.combine(type)
        hasher.combine(storage.raw)
    }

    /// The fields every activity carries.
    public static let commonFields: Set<String> = [
        "id", "created_at", "type", "organization_id", "organization_uuid", "actor",
    ]

    /// Decodes a record. Fails with a reason when `id`, `created_at` or `type` is missing or invalid:
    /// such a record cannot be deduplicated or ordered and must be quarantined, not forwarded blind.
    public init(object: JSONObject, rawJSON: String) throws(InvalidRecord) {
        try self.init(object: object, raw: RawJSON(rawJSON))
    }

    /// Decodes a record whose text is `raw`.
    init(object: JSONObject, raw: RawJSON) throws(InvalidRecord) {
        // One pass over the members, classifying keys by length and bytes: hashing every key into
        // `commonFields` and searching the object once per field showed up in decoding profiles.
        var common = CommonFieldIndices()
        var extra: [JSONObject.Member] = []
        extra.reserveCapacity(max(object.members.count - 6, 0))
        for (index, member) in object.members.enumerated() {
            if let field = CommonField(member.key) {
                common.record(field, at: index)
            } else {
                extra.append(member)
            }
        }
        let members = object.members
        func string(_ index: Int) -> String? { index < 0 ? nil : members[index].value.stringValue }

        guard let id = string(common.id), !id.isEmpty else {
            throw InvalidRecord(rawJSON: raw.string, reason: "record has no string \"id\"")
        }
        guard let createdAtText = string(common.createdAt) else {
            throw InvalidRecord(rawJSON: raw.string, reason: "record \(id) has no string \"created_at\"")
        }
        guard let createdAt = RFC3339Timestamp(createdAtText) else {
            throw InvalidRecord(
                rawJSON: raw.string,
                reason: "record \(id) has an invalid created_at \"\(createdAtText)\""
            )
        }
        guard let type = string(common.type), !type.isEmpty else {
            throw InvalidRecord(rawJSON: raw.string, reason: "record \(id) has no string \"type\"")
        }
        self.storage = ActivityStorage(
            id: id,
            createdAt: createdAt,
            type: type,
            organizationID: string(common.organizationID),
            organizationUUID: string(common.organizationUUID),
            actor: Actor(
                fields: common.actor < 0 ? JSONObject() : members[common.actor].value.objectValue ?? JSONObject()
            ),
            extra: JSONObject(members: extra),
            raw: raw
        )
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

/// The six ``Activity/commonFields``, recognised by length and bytes.
enum CommonField {
    case id, createdAt, type, organizationID, organizationUUID, actor

    @inline(__always)
    init?(_ key: String) {
        switch key.utf8.count {
        case 2 where key == "id": self = .id
        case 4 where key == "type": self = .type
        case 5 where key == "actor": self = .actor
        case 10 where key == "created_at": self = .createdAt
        case 15 where key == "organization_id": self = .organizationID
        case 17 where key == "organization_uuid": self = .organizationUUID
        default: return nil
        }
    }
}

/// Where each common field first occurs in a record's members (`-1`: absent). The first member
/// wins, as with ``JSONObject/subscript(_:)``.
struct CommonFieldIndices {
    var id = -1
    var createdAt = -1
    var type = -1
    var organizationID = -1
    var organizationUUID = -1
    var actor = -1

    @inline(__always)
    mutating func record(_ field: CommonField, at index: Int) {
        switch field {
        case .id: if id < 0 { id = index }
        case .createdAt: if createdAt < 0 { createdAt = index }
        case .type: if type < 0 { type = index }
        case .organizationID: if organizationID < 0 { organizationID = index }
        case .organizationUUID: if organizationUUID < 0 { organizationUUID = index }
        case .actor: if actor < 0 { actor = index }
        }
    }
}
