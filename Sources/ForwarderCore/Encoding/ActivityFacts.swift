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
        // One pass over each object: these records are small, but `JSONObject.string(_:)` is a linear
        // search, and a dozen of them per event showed up in profiles.
        let actor = activity.actor
        var actorType: String?
        var email: String?
        var unauthenticatedEmail: String?
        var userID: String?
        var variantID: String?
        var subject: String?
        var service: String?
        var ip: String?
        var agent: String?
        for member in actor.fields.members {
            guard case .string(let value) = member.value, !value.isEmpty else { continue }
            switch member.key {
            case "type": actorType = actorType ?? value
            case "email_address": email = email ?? value
            case "unauthenticated_email_address": unauthenticatedEmail = unauthenticatedEmail ?? value
            case "user_id": userID = userID ?? value
            case "api_key_id", "admin_api_key_id", "service_account_id", "directory_id", "external_client_id":
                variantID = variantID ?? value
            case "subject": subject = subject ?? value
            case "service": service = service ?? value
            case "ip_address": ip = ip ?? value
            case "user_agent": agent = agent ?? value
            default: break
            }
        }
        let isUnauthenticated = actorType == Actor.Kind.unauthenticatedUser.rawValue
        // Mirrors `Actor.principalID`: the variant's own id field, else a subject or service.
        actorPrincipalID = isUnauthenticated ? nil : userID ?? variantID ?? subject ?? service
        actorID = actorPrincipalID ?? (isUnauthenticated ? nil : email)
        actorEmail = email ?? unauthenticatedEmail
        actorEmailIsAuthenticated = email != nil
        ipAddress = ip
        ipKind = ip.flatMap(IPAddressText.kind(of:))
        userAgent = agent

        var targetIDs: [String?] = Array(repeating: nil, count: Self.targetIDKeys.count)
        var targetEmails: [String?] = Array(repeating: nil, count: Self.targetEmailKeys.count)
        var targetIDByType: String?
        var targetType: String?
        var principalIDField: String?
        var principalType: String?
        var members: [String] = []
        var status: JSONObject?
        var topReason: String?
        var method: String?
        var url: String?
        var statusCodeValue: JSONValue?
        for member in activity.extra.members {
            let text: String? = if case .string(let value) = member.value, !value.isEmpty { value } else { nil }
            switch member.key {
            case "target_user_id": targetIDs[0] = targetIDs[0] ?? text
            case "user_id": targetIDs[1] = targetIDs[1] ?? text
            case "deleted_user_id": targetIDs[2] = targetIDs[2] ?? text
            case "new_owner_id": targetIDs[3] = targetIDs[3] ?? text
            case "target_user_email": targetEmails[0] = targetEmails[0] ?? text
            case "target_email": targetEmails[1] = targetEmails[1] ?? text
            case "user_email": targetEmails[2] = targetEmails[2] ?? text
            case "deleted_user_email": targetEmails[3] = targetEmails[3] ?? text
            case "invited_email": targetEmails[4] = targetEmails[4] ?? text
            case "target_id": targetIDByType = targetIDByType ?? text
            case "target_type": targetType = targetType ?? text
            case "principal_id": principalIDField = principalIDField ?? text
            case "principal_type": principalType = principalType ?? text
            case "member_ids":
                if members.isEmpty, let array = member.value.arrayValue {
                    members = array.compactMap { Self.nonEmpty($0.stringValue) }
                }
            case "status": status = status ?? member.value.objectValue
            case "reason": topReason = topReason ?? text
            case "request_method": method = method ?? text
            case "url": url = url ?? text
            case "status_code": statusCodeValue = statusCodeValue ?? member.value
            default: break
            }
        }
        targetID =
            targetIDs.lazy.compactMap { $0 }.first
            ?? (Self.isUserType(targetType) ? targetIDByType : nil)
            ?? (Self.isUserType(principalType) ? principalIDField : nil)
        targetEmail = targetEmails.lazy.compactMap { $0 }.first
        memberIDs = members
        reason = Self.nonEmpty(status?.string("reason")) ?? topReason

        if let method, let url {
            requestMethod = method
            requestURL = url
            statusCode = statusCodeValue?.int64Value
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

    // Per-type fields naming the affected user (documented ones plus the reference's secondary hints),
    // in order of preference; `init` switches over the same names.
    static let targetIDKeys = ["target_user_id", "user_id", "deleted_user_id", "new_owner_id"]
    static let targetEmailKeys = [
        "target_user_email", "target_email", "user_email", "deleted_user_email", "invited_email",
    ]

    static func isUserType(_ type: String?) -> Bool {
        guard let type else { return false }
        return type == "user" || type == "account" || type == "user_account"
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
