import ComplianceAPI

/// What the encoders derive from one activity, computed once so ECS and CEF agree on who acted, on
/// whom, from where, and how it ended.
struct ActivityFacts {
    /// The actor's identifier: `user_id`, else the variant's principal id (API key, service account,
    /// subject…), else the email address when that is all there is (ECS: an email used as the main
    /// identifier goes in `user.id` too). `nil` for `unauthenticated_user_actor`, whose only identity is
    /// what someone typed.
    var actorID: String?
    /// The actor's principal id without the email fallback (CEF `suid`).
    var actorPrincipalID: String?
    /// `email_address`, else `unauthenticated_email_address` (untrusted; kept verbatim in the actor
    /// namespace too so a reader can tell).
    var actorEmail: String?
    /// Whether ``actorEmail`` came from `email_address` (so the actor namespace need not repeat it).
    var actorEmailIsAuthenticated: Bool
    /// `ip_address` as sent (non-empty), and its family when it is a real address.
    var ipAddress: String?
    var ipKind: IPAddressText.Kind?
    var userAgent: String?
    /// The user acted upon, read from the per-type fields.
    var targetID: String?
    var targetEmail: String?
    /// `member_ids` of group events: more affected users.
    var memberIDs: [String]
    var outcome: ECSCategorization.Outcome?
    var reason: String?
    /// Request facts of `compliance_api_accessed`-shaped records (`request_method` + `url`).
    var requestMethod: String?
    var requestURL: String?
    var statusCode: Int64?

    init(activity: Activity, mapping: ActivityTypeMapping) {
        let actor = activity.actor
        let fields = actor.fields
        let email = Self.nonEmpty(fields.string("email_address"))
        let unauthenticatedEmail = Self.nonEmpty(fields.string("unauthenticated_email_address"))
        if actor.kind == .unauthenticatedUser {
            actorPrincipalID = nil
        } else {
            actorPrincipalID = Self.nonEmpty(actor.userID) ?? Self.nonEmpty(actor.principalID)
        }
        actorID = actorPrincipalID ?? (actor.kind == .unauthenticatedUser ? nil : email)
        actorEmail = email ?? unauthenticatedEmail
        actorEmailIsAuthenticated = email != nil
        ipAddress = Self.nonEmpty(actor.ipAddress)
        ipKind = ipAddress.flatMap(IPAddressText.kind(of:))
        userAgent = Self.nonEmpty(actor.userAgent)

        let extra = activity.extra
        targetID = Self.firstString(in: extra, keys: Self.targetIDKeys)
        if targetID == nil, let id = Self.nonEmpty(extra.string("target_id")),
            Self.isUserType(extra.string("target_type"))
        {
            targetID = id
        }
        if targetID == nil, let id = Self.nonEmpty(extra.string("principal_id")),
            Self.isUserType(extra.string("principal_type"))
        {
            targetID = id
        }
        targetEmail = Self.firstString(in: extra, keys: Self.targetEmailKeys)
        memberIDs = extra["member_ids"]?.arrayValue?.compactMap { Self.nonEmpty($0.stringValue) } ?? []

        let status = extra["status"]?.objectValue
        reason = Self.nonEmpty(status?.string("reason")) ?? Self.nonEmpty(extra.string("reason"))

        let method = Self.nonEmpty(extra.string("request_method"))
        let url = Self.nonEmpty(extra.string("url"))
        if method != nil, url != nil {
            requestMethod = method
            requestURL = url
            statusCode = extra["status_code"]?.int64Value
        } else {
            requestMethod = nil
            requestURL = nil
            statusCode = nil
        }

        if let fixed = mapping.outcome {
            outcome = fixed
        } else if let statusCode {
            outcome = statusCode < 400 ? .success : .failure
        } else {
            switch status?.string("outcome")?.lowercased() {
            case "success", "succeeded", "ok", "allowed": outcome = .success
            case "failure", "failed", "error", "denied", "rejected": outcome = .failure
            default: outcome = nil
            }
        }
    }

    /// The principal named in human-readable text: email, else id.
    var actorDisplayName: String? { actorEmail ?? actorID }

    /// Every user identifier in the record, deduplicated, actor first (ECS `related.user`).
    var relatedUsers: [String] {
        var users: [String] = []
        for candidate in [actorEmail, actorID, targetEmail, targetID] {
            if let candidate, !users.contains(candidate) { users.append(candidate) }
        }
        for member in memberIDs where !users.contains(member) {
            users.append(member)
        }
        return users
    }

    /// Whether an actor member is already carried by a standard field, so the custom actor namespace
    /// need not repeat it. Everything else (ids, provider objects, untrusted emails, null values)
    /// stays, so nothing is lost.
    func isMappedActorField(_ member: JSONObject.Member, ipMappedOnlyIfValid: Bool) -> Bool {
        guard let text = member.value.stringValue, !text.isEmpty else { return false }
        switch member.key {
        case "email_address": return actorEmailIsAuthenticated
        case "user_id": return true
        case "user_agent": return true
        case "ip_address": return ipMappedOnlyIfValid ? ipKind != nil : true
        default: return false
        }
    }

    // Per-type fields naming the affected user (documented ones plus the reference's secondary hints).
    static let targetIDKeys = ["target_user_id", "user_id", "deleted_user_id", "new_owner_id"]
    static let targetEmailKeys = [
        "target_user_email", "target_email", "user_email", "deleted_user_email", "invited_email",
    ]

    static func isUserType(_ type: String?) -> Bool {
        guard let type else { return false }
        return type == "user" || type == "account" || type == "user_account"
    }

    static func firstString(in object: JSONObject, keys: [String]) -> String? {
        for key in keys {
            if let value = nonEmpty(object.string(key)) { return value }
        }
        return nil
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
