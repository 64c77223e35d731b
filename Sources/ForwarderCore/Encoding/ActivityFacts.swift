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
            switch ActorKey(member.key) {
            case .type: actorType = actorType ?? value
            case .email: email = email ?? value
            case .unauthenticatedEmail: unauthenticatedEmail = unauthenticatedEmail ?? value
            case .userID: userID = userID ?? value
            case .variantID: variantID = variantID ?? value
            case .subject: subject = subject ?? value
            case .service: service = service ?? value
            case .ip: ip = ip ?? value
            case .userAgent: agent = agent ?? value
            case nil: break
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

        // Fixed-size (no allocation), in the preference order of targetIDKeys / targetEmailKeys.
        var targetIDs: (String?, String?, String?, String?) = (nil, nil, nil, nil)
        var targetEmails: (String?, String?, String?, String?, String?) = (nil, nil, nil, nil, nil)
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
            switch ExtraKey(member.key) {
            case .targetUserID: targetIDs.0 = targetIDs.0 ?? text
            case .userID: targetIDs.1 = targetIDs.1 ?? text
            case .deletedUserID: targetIDs.2 = targetIDs.2 ?? text
            case .newOwnerID: targetIDs.3 = targetIDs.3 ?? text
            case .targetUserEmail: targetEmails.0 = targetEmails.0 ?? text
            case .targetEmail: targetEmails.1 = targetEmails.1 ?? text
            case .userEmail: targetEmails.2 = targetEmails.2 ?? text
            case .deletedUserEmail: targetEmails.3 = targetEmails.3 ?? text
            case .invitedEmail: targetEmails.4 = targetEmails.4 ?? text
            case .targetID: targetIDByType = targetIDByType ?? text
            case .targetType: targetType = targetType ?? text
            case .principalID: principalIDField = principalIDField ?? text
            case .principalType: principalType = principalType ?? text
            case .memberIDs:
                if members.isEmpty, let array = member.value.arrayValue {
                    members = array.compactMap { Self.nonEmpty($0.stringValue) }
                }
            case .status: status = status ?? member.value.objectValue
            case .reason: topReason = topReason ?? text
            case .requestMethod: method = method ?? text
            case .url: url = url ?? text
            case .statusCode: statusCodeValue = statusCodeValue ?? member.value
            case nil: break
            }
        }
        targetID =
            targetIDs.0 ?? targetIDs.1 ?? targetIDs.2 ?? targetIDs.3
            ?? (Self.isUserType(targetType) ? targetIDByType : nil)
            ?? (Self.isUserType(principalType) ? principalIDField : nil)
        targetEmail = targetEmails.0 ?? targetEmails.1 ?? targetEmails.2 ?? targetEmails.3 ?? targetEmails.4
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
        switch ActorKey(member.key) {
        case .email: return actorEmailIsAuthenticated
        case .userID, .userAgent: return true
        case .ip: return ipMappedOnlyIfValid ? ipKind != nil : true
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

/// Actor members the encoders read. Matching goes by length first: a `switch` over `String`
/// literals compares the key with every case, and those comparisons dominated the profile.
enum ActorKey {
    case type, email, unauthenticatedEmail, userID, variantID, subject, service, ip, userAgent

    init?(_ key: String) {
        var key = key
        let match: ActorKey? = key.withUTF8 { bytes in
            switch bytes.count {
            case 4: return Self.matches(bytes, "type") ? .type : nil
            case 7:
                if Self.matches(bytes, "user_id") { return .userID }
                if Self.matches(bytes, "subject") { return .subject }
                if Self.matches(bytes, "service") { return .service }
                return nil
            case 10:
                if Self.matches(bytes, "ip_address") { return .ip }
                if Self.matches(bytes, "user_agent") { return .userAgent }
                if Self.matches(bytes, "api_key_id") { return .variantID }
                return nil
            case 12: return Self.matches(bytes, "directory_id") ? .variantID : nil
            case 13: return Self.matches(bytes, "email_address") ? .email : nil
            case 16: return Self.matches(bytes, "admin_api_key_id") ? .variantID : nil
            case 18:
                if Self.matches(bytes, "service_account_id") || Self.matches(bytes, "external_client_id") {
                    return .variantID
                }
                return nil
            case 29: return Self.matches(bytes, "unauthenticated_email_address") ? .unauthenticatedEmail : nil
            default: return nil
            }
        }
        guard let match else { return nil }
        self = match
    }

    /// Byte comparison against a literal (comparing with `"…".utf8` walks a `String` generically).
    @inline(__always)
    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let start = literal.utf8Start
        for index in 0..<bytes.count where bytes[index] != start[index] {
            return false
        }
        return true
    }
}

/// Per-type members the encoders read (see ``ActivityFacts/targetIDKeys``), matched like ``ActorKey``.
enum ExtraKey {
    case targetUserID, userID, deletedUserID, newOwnerID
    case targetUserEmail, targetEmail, userEmail, deletedUserEmail, invitedEmail
    case targetID, targetType, principalID, principalType, memberIDs
    case status, reason, requestMethod, url, statusCode

    init?(_ key: String) {
        var key = key
        let match: ExtraKey? = key.withUTF8 { bytes in
            switch bytes.count {
            case 3: return ActorKey.matches(bytes, "url") ? .url : nil
            case 6:
                if ActorKey.matches(bytes, "status") { return .status }
                if ActorKey.matches(bytes, "reason") { return .reason }
                return nil
            case 7: return ActorKey.matches(bytes, "user_id") ? .userID : nil
            case 9: return ActorKey.matches(bytes, "target_id") ? .targetID : nil
            case 10:
                if ActorKey.matches(bytes, "user_email") { return .userEmail }
                if ActorKey.matches(bytes, "member_ids") { return .memberIDs }
                return nil
            case 11:
                if ActorKey.matches(bytes, "target_type") { return .targetType }
                if ActorKey.matches(bytes, "status_code") { return .statusCode }
                return nil
            case 12:
                if ActorKey.matches(bytes, "new_owner_id") { return .newOwnerID }
                if ActorKey.matches(bytes, "target_email") { return .targetEmail }
                if ActorKey.matches(bytes, "principal_id") { return .principalID }
                return nil
            case 13: return ActorKey.matches(bytes, "invited_email") ? .invitedEmail : nil
            case 14:
                if ActorKey.matches(bytes, "target_user_id") { return .targetUserID }
                if ActorKey.matches(bytes, "principal_type") { return .principalType }
                if ActorKey.matches(bytes, "request_method") { return .requestMethod }
                return nil
            case 15: return ActorKey.matches(bytes, "deleted_user_id") ? .deletedUserID : nil
            case 17: return ActorKey.matches(bytes, "target_user_email") ? .targetUserEmail : nil
            case 18: return ActorKey.matches(bytes, "deleted_user_email") ? .deletedUserEmail : nil
            default: return nil
            }
        }
        guard let match else { return nil }
        self = match
    }
}
