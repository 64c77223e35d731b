import ComplianceAPI

/// The standard ECS field sets filled from the actor and the per-type fields (docs/mapping.md lists
/// each source field). Every value written here stays under the custom namespace as well.
extension ECSEncoder {
    /// `user.id`/`user.email` (the actor) and `user.target.id`/`email`/`roles` (the user acted upon).
    static func writeUser(_ facts: ActivityFacts, into json: inout JSONWriter) {
        let hasTarget = facts.targetID != nil || facts.targetEmail != nil
        guard facts.actorID != nil || facts.actorEmail != nil || hasTarget else { return }
        json.bytes.appendStatic(",\"user\":{")
        var members = MemberWriter()
        members.string("id", facts.actorID, &json)
        members.string("email", facts.actorEmail, &json)
        if hasTarget {
            members.open("target", &json)
            var target = MemberWriter()
            target.string("id", facts.targetID, &json)
            target.string("email", facts.targetEmail, &json)
            if let role = facts.targetRole {
                target.open("roles", &json, bracket: "[")
                json.writeString(role)
                json.bytes.appendStatic("]")
            }
            json.bytes.appendStatic("}")
        }
        json.bytes.appendStatic("}")
    }

    /// `source.ip` (only a real address: anything else makes Elasticsearch reject the document),
    /// `source.address` (as sent) and `user_agent.original`.
    static func writeSource(_ facts: ActivityFacts, into json: inout JSONWriter) {
        if let ip = facts.ipAddress {
            json.bytes.appendStatic(",\"source\":{")
            if facts.ipKind != nil {
                json.bytes.appendStatic("\"ip\":")
                json.writeString(ip)
                json.bytes.appendStatic(",")
            }
            json.bytes.appendStatic("\"address\":")
            json.writeString(ip)
            json.bytes.appendStatic("}")
        }
        if let userAgent = facts.userAgent {
            json.bytes.appendStatic(",\"user_agent\":{\"original\":")
            json.writeString(userAgent)
            json.bytes.appendStatic("}")
        }
    }

    /// `organization.id` (`organization_id`) and `organization.name` (`org_name`, `organization_name`).
    static func writeOrganization(id: String?, facts: ActivityFacts, into json: inout JSONWriter) {
        guard id != nil || facts.organizationName != nil else { return }
        json.bytes.appendStatic(",\"organization\":{")
        var members = MemberWriter()
        members.string("id", id, &json)
        members.string("name", facts.organizationName, &json)
        json.bytes.appendStatic("}")
    }

    /// `http.request.id`/`method`, `http.response.status_code`, and `url.original` with its parts.
    static func writeRequest(_ facts: ActivityFacts, url: URLParts?, into json: inout JSONWriter) {
        if facts.requestID != nil || facts.requestMethod != nil || facts.statusCode != nil {
            json.bytes.appendStatic(",\"http\":{")
            var http = MemberWriter()
            if facts.requestID != nil || facts.requestMethod != nil {
                http.open("request", &json)
                var request = MemberWriter()
                request.string("id", facts.requestID, &json)
                request.string("method", facts.requestMethod, &json)
                json.bytes.appendStatic("}")
            }
            if let status = facts.statusCode {
                http.open("response", &json)
                json.bytes.appendStatic("\"status_code\":")
                ByteFormatting.appendDecimal(status, into: &json.bytes)
                json.bytes.appendStatic("}")
            }
            json.bytes.appendStatic("}")
        }
        guard let original = facts.url else { return }
        json.bytes.appendStatic(",\"url\":{\"original\":")
        json.writeString(original)
        if let url {
            json.bytes.appendStatic(",\"scheme\":")
            json.writeString(url.scheme)
            var members = MemberWriter(first: false)
            members.string("domain", url.domain, &json)
            if let port = url.port {
                members.open("port", &json, bracket: nil)
                ByteFormatting.appendDecimal(port, into: &json.bytes)
            }
            members.string("path", url.path, &json)
            members.string("query", url.query, &json)
            members.string("fragment", url.fragment, &json)
        }
        json.bytes.appendStatic("}")
    }

    /// `file.name` and `file.extension` from `filename`.
    static func writeFile(_ facts: ActivityFacts, into json: inout JSONWriter) {
        guard let name = facts.fileName else { return }
        json.bytes.appendStatic(",\"file\":{\"name\":")
        json.writeString(name)
        if let fileExtension = fileExtension(of: name) {
            json.bytes.appendStatic(",\"extension\":")
            json.writeString(fileExtension)
        }
        json.bytes.appendStatic("}")
    }

    /// The last extension without the dot (`report.tar.gz` → `gz`), as ECS asks; `nil` for a name
    /// without one, a hidden file's leading dot (`.env`), or a trailing dot.
    static func fileExtension(of name: String) -> String? {
        let base = name.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(name)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return nil }
        let fileExtension = base[base.index(after: dot)...]
        return fileExtension.isEmpty ? nil : String(fileExtension)
    }

    /// `related.user` (actor, target, `member_ids`, `alert_emails`; deduplicated, actor first),
    /// `related.ip` and `related.hosts`, written without building arrays.
    static func writeRelated(_ facts: ActivityFacts, urlDomain: String?, into json: inout JSONWriter) {
        let email = facts.actorEmail
        let id = facts.actorID
        let targetEmail = facts.targetEmail
        let targetID = facts.targetID
        func isFixed(_ value: String) -> Bool {
            value == email || value == id || value == targetEmail || value == targetID
        }
        let hasUsers =
            email != nil || id != nil || targetEmail != nil || targetID != nil || !facts.memberIDs.isEmpty
            || !facts.alertEmails.isEmpty
        let ip = facts.ipKind != nil ? facts.ipAddress : nil
        guard hasUsers || ip != nil || urlDomain != nil else { return }
        json.bytes.appendStatic(",\"related\":{")
        var members = MemberWriter()
        if hasUsers {
            members.open("user", &json, bracket: "[")
            var first = true
            func user(_ value: String, _ json: inout JSONWriter) {
                if !first { json.bytes.appendStatic(",") }
                first = false
                json.writeString(value)
            }
            if let email { user(email, &json) }
            if let id, id != email { user(id, &json) }
            if let targetEmail, targetEmail != email, targetEmail != id { user(targetEmail, &json) }
            if let targetID, targetID != email, targetID != id, targetID != targetEmail { user(targetID, &json) }
            for (index, member) in facts.memberIDs.enumerated()
            where !isFixed(member) && !facts.memberIDs[..<index].contains(member) {
                user(member, &json)
            }
            for (index, alert) in facts.alertEmails.enumerated()
            where !isFixed(alert) && !facts.memberIDs.contains(alert)
                && !facts.alertEmails[..<index].contains(alert)
            {
                user(alert, &json)
            }
            json.bytes.appendStatic("]")
        }
        if let ip {
            members.open("ip", &json, bracket: "[")
            json.writeString(ip)
            json.bytes.appendStatic("]")
        }
        if let urlDomain {
            members.open("hosts", &json, bracket: "[")
            json.writeString(urlDomain)
            json.bytes.appendStatic("]")
        }
        json.bytes.appendStatic("}")
    }
}

/// Writes the members of one JSON object, with the commas between them.
struct MemberWriter {
    private var first: Bool

    init(first: Bool = true) { self.first = first }

    /// `"key":"value"`, or nothing when `value` is `nil`.
    mutating func string(_ key: StaticString, _ value: String?, _ json: inout JSONWriter) {
        guard let value else { return }
        open(key, &json, bracket: nil)
        json.writeString(value)
    }

    /// `"key":` followed by `bracket` (`{` by default; the caller writes the value and closes it).
    mutating func open(_ key: StaticString, _ json: inout JSONWriter, bracket: StaticString? = "{") {
        if !first { json.bytes.appendStatic(",") }
        first = false
        json.bytes.append(UInt8(ascii: "\""))
        json.bytes.appendStatic(key)
        json.bytes.appendStatic("\":")
        if let bracket { json.bytes.appendStatic(bracket) }
    }
}
