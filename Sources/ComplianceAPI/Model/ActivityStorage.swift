/// The fields of one ``Activity``, allocated once per decoded record and shared by every copy.
final class ActivityStorage: Sendable {
    let id: String
    let createdAt: RFC3339Timestamp
    let type: String
    let organizationID: String?
    let organizationUUID: String?
    let actor: Actor
    let extra: JSONObject
    let raw: RawJSON

    init(
        id: String,
        createdAt: RFC3339Timestamp,
        type: String,
        organizationID: String?,
        organizationUUID: String?,
        actor: Actor,
        extra: JSONObject,
        raw: RawJSON
    ) {
        self.id = id
        self.createdAt = createdAt
        self.type = type
        self.organizationID = organizationID
        self.organizationUUID = organizationUUID
        self.actor = actor
        self.extra = extra
        self.raw = raw
    }
}
