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
    /// `alert_emails` of spend-limit events: people notified (ECS `related.user`).
    var alertEmails: [String]
    /// `role` when the record names the user it is granted to or revoked from (ECS `user.target.roles`).
    var targetRole: String?
    /// How it ended: what the record says (`status_code`, `status.outcome`, `approved`), else the row's.
    var outcome: ECSCategorization.Outcome
    var reason: String?
    /// Request facts (`compliance_api_accessed` and the like): `request_id`, `request_method`,
    /// `status_code`, `url`.
    var requestID: String?
    var requestMethod: String?
    var statusCode: Int64?
    var url: String?
    /// `filename` (ECS `file.name`, CEF `fname`).
    var fileName: String?
    /// `org_name`, else `organization_name` (ECS `organization.name`).
    var organizationName: String?

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
        var targetIDs: (String?, String?, String?, String?, String?) = (nil, nil, nil, nil, nil)
        var targetEmails: (String?, String?, String?, String?, String?, String?) = (nil, nil, nil, nil, nil, nil)
        var targetIDByType: String?
        var targetType: String?
        var principalIDField: String?
        var principalType: String?
        var members: [String] = []
        var status: JSONObject?
        var topReason: String?
        var method: String?
        var urlText: String?
        var statusCodeValue: JSONValue?
        var requestIDText: String?
        var approved: Bool?
        var role: String?
        var file: String?
        var orgNames: (String?, String?) = (nil, nil)
        var alerts: [String] = []
        for member in activity.extra.members {
            let text: String? = if case .string(let value) = member.value, !value.isEmpty { value } else { nil }
            switch ExtraKey(member.key) {
            case .targetUserID: targetIDs.0 = targetIDs.0 ?? text
            case .userID: targetIDs.1 = targetIDs.1 ?? text
            case .deletedUserID: targetIDs.2 = targetIDs.2 ?? text
            case .newOwnerID: targetIDs.3 = targetIDs.3 ?? text
            case .requesterUserID: targetIDs.4 = targetIDs.4 ?? text
            case .targetUserEmail: targetEmails.0 = targetEmails.0 ?? text
            case .targetEmail: targetEmails.1 = targetEmails.1 ?? text
            case .userEmail: targetEmails.2 = targetEmails.2 ?? text
            case .deletedUserEmail: targetEmails.3 = targetEmails.3 ?? text
            case .invitedEmail: targetEmails.4 = targetEmails.4 ?? text
            case .inviteeEmail: targetEmails.5 = targetEmails.5 ?? text
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
            case .url: urlText = urlText ?? text
            case .statusCode: statusCodeValue = statusCodeValue ?? member.value
            case .requestID: requestIDText = requestIDText ?? text
            case .approved: if approved == nil, case .bool(let value) = member.value { approved = value }
            case .role: role = role ?? text
            case .filename: file = file ?? text
            case .orgName: orgNames.0 = orgNames.0 ?? text
            case .organizationName: orgNames.1 = orgNames.1 ?? text
            case .alertEmails:
                if alerts.isEmpty, let array = member.value.arrayValue {
                    alerts = array.compactMap { Self.nonEmpty($0.stringValue) }
                }
            case nil: break
            }
        }
        targetID =
            targetIDs.0 ?? targetIDs.1 ?? targetIDs.2 ?? targetIDs.3 ?? targetIDs.4
            ?? (Self.isUserType(targetType) ? targetIDByType : nil)
            ?? (Self.isUserType(principalType) ? principalIDField : nil)
        targetEmail =
            targetEmails.0 ?? targetEmails.1 ?? targetEmails.2 ?? targetEmails.3 ?? targetEmails.4 ?? targetEmails.5
        memberIDs = members
        alertEmails = alerts
        // A role on a record without a target user (a group's grant) is not a user's role.
        targetRole = targetID != nil || targetEmail != nil ? role : nil
        reason = Self.nonEmpty(status?.string("reason")) ?? topReason
        requestID = requestIDText
        requestMethod = method
        url = urlText
        statusCode = statusCodeValue?.int64Value
        fileName = file
        organizationName = orgNames.0 ?? orgNames.1
        outcome =
            Self.outcome(statusCode: statusCode, status: status?.string("outcome"), approved: approved)
            ?? mapping.outcome
    }

    /// What the record itself says about how it ended, or `nil`: an HTTP status (below 400 is a
    /// success), a `status.outcome` word, or an `approved` flag (a refusal is a failure, as ECS reads
    /// denied requests).
    static func outcome(statusCode: Int64?, status: String?, approved: Bool?) -> ECSCategorization.Outcome? {
        if let statusCode { return statusCode < 400 ? .success : .failure }
        switch status?.lowercased() {
        case "success", "succeeded", "ok", "allowed": return .success
        case "failure", "failed", "error", "denied", "rejected": return .failure
        default: break
        }
        return approved.map { $0 ? .success : .failure }
    }

    /// The principal named in human-readable text: email, else id.
    var actorDisplayName: String? { actorEmail ?? actorID }

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
    static let targetIDKeys = ["target_user_id", "user_id", "deleted_user_id", "new_owner_id", "requester_user_id"]
    static let targetEmailKeys = [
        "target_user_email", "target_email", "user_email", "deleted_user_email", "invited_email", "invitee_email",
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
    case targetUserID, userID, deletedUserID, newOwnerID, requesterUserID
    case targetUserEmail, targetEmail, userEmail, deletedUserEmail, invitedEmail, inviteeEmail
    case targetID, targetType, principalID, principalType, memberIDs, alertEmails, role
    case status, reason, requestMethod, url, statusCode, requestID, approved
    case filename, orgName, organizationName

    init?(_ key: String) {
        var key = key
        let match: ExtraKey? = key.withUTF8 { bytes in
            switch bytes.count {
            case 3: return ActorKey.matches(bytes, "url") ? .url : nil
            case 4: return ActorKey.matches(bytes, "role") ? .role : nil
            case 6:
                if ActorKey.matches(bytes, "status") { return .status }
                if ActorKey.matches(bytes, "reason") { return .reason }
                return nil
            case 7: return ActorKey.matches(bytes, "user_id") ? .userID : nil
            case 8:
                if ActorKey.matches(bytes, "filename") { return .filename }
                if ActorKey.matches(bytes, "approved") { return .approved }
                if ActorKey.matches(bytes, "org_name") { return .orgName }
                return nil
            case 9: return ActorKey.matches(bytes, "target_id") ? .targetID : nil
            case 10:
                if ActorKey.matches(bytes, "user_email") { return .userEmail }
                if ActorKey.matches(bytes, "member_ids") { return .memberIDs }
                if ActorKey.matches(bytes, "request_id") { return .requestID }
                return nil
            case 11:
                if ActorKey.matches(bytes, "target_type") { return .targetType }
                if ActorKey.matches(bytes, "status_code") { return .statusCode }
                return nil
            case 12:
                if ActorKey.matches(bytes, "new_owner_id") { return .newOwnerID }
                if ActorKey.matches(bytes, "target_email") { return .targetEmail }
                if ActorKey.matches(bytes, "principal_id") { return .principalID }
                if ActorKey.matches(bytes, "alert_emails") { return .alertEmails }
                return nil
            case 13:
                if ActorKey.matches(bytes, "invited_email") { return .invitedEmail }
                if ActorKey.matches(bytes, "invitee_email") { return .inviteeEmail }
                return nil
            case 14:
                if ActorKey.matches(bytes, "target_user_id") { return .targetUserID }
                if ActorKey.matches(bytes, "principal_type") { return .principalType }
                if ActorKey.matches(bytes, "request_method") { return .requestMethod }
                return nil
            case 15: return ActorKey.matches(bytes, "deleted_user_id") ? .deletedUserID : nil
            case 17:
                if ActorKey.matches(bytes, "target_user_email") { return .targetUserEmail }
                if ActorKey.matches(bytes, "requester_user_id") { return .requesterUserID }
                if ActorKey.matches(bytes, "organization_name") { return .organizationName }
                return nil
            case 18: return ActorKey.matches(bytes, "deleted_user_email") ? .deletedUserEmail : nil
            default: return nil
            }
        }
        guard let match else { return nil }
        self = match
    }
}
