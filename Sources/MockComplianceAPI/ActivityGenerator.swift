import ComplianceAPI
import ForwarderCore

/// Renders realistic activity records, deterministically from a seed.
///
/// Every documented activity type and all 11 actor variants occur. Values deliberately include
/// what breaks naive SIEM encoders: `|`, `=`, `\`, quotes, newlines, tabs, non-ASCII text, emoji
/// and IPv6 addresses. The same (type, actor, seed) always renders the same bytes.
public struct ActivityGenerator: Sendable {
    /// The activity types the generator draws from: the documented catalogue.
    public let types: [String]

    public init(types: [String] = ActivityMappingTable.knownTypes) {
        self.types = types.isEmpty ? ["claude_chat_viewed"] : types
    }

    /// A record's shape: what the store keeps per record (everything else derives from `seed`).
    struct Shape: Sendable {
        var id: ActivityID
        var createdAt: RFC3339Timestamp
        var typeIndex: Int
        var actor: Actor.Kind
        var seed: UInt64
        var omitID = false
    }

    /// Renders a sample activity of `type` (used by `mappings --type` and by tests).
    public func sample(type: String, actor: Actor.Kind? = nil, seed: UInt64 = 1) -> Activity? {
        var generator = SplitMix64(seed: seed)
        let typeIndex = types.firstIndex(of: type) ?? 0
        let shape = Shape(
            id: ActivityID(high: generator.next(), low: seed),
            createdAt: RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000, nanoseconds: 123_000_000),
            typeIndex: typeIndex,
            actor: actor ?? Self.actorKind(for: type, roll: generator.next()),
            seed: seed
        )
        var bytes: [UInt8] = []
        render(shape, typeName: type, extra: nil, into: &bytes)
        return try? Activity(json: String(decoding: bytes, as: UTF8.self))
    }

    /// The actor variant a type is performed by, mostly as the real API restricts it.
    static func actorKind(for type: String, roll: UInt64) -> Actor.Kind {
        if type == "compliance_api_accessed" { return .api }
        if type.hasSuffix("_login_initiated") || type.hasSuffix("_login_failed") || type.hasPrefix("anonymous_") {
            return .unauthenticatedUser
        }
        if type.hasSuffix("_login_succeeded") || type.hasPrefix("claude_file_") || type == "api_key_created"
            || type.hasPrefix("admin_api_key_")
        {
            return .user
        }
        if type.hasPrefix("scim_") { return roll % 2 == 0 ? .scimDirectorySync : .user }
        // Otherwise mostly people, with every other variant represented.
        let bucket = Int(roll % 100)
        if bucket < 55 { return .user }
        let others = Actor.Kind.documented.filter { $0 != .user }
        return others[(bucket - 55) % others.count]
    }

    func render(_ shape: Shape, typeName: String? = nil, extra: JSONObject?, into bytes: inout [UInt8]) {
        var random = SplitMix64(seed: shape.seed)
        let type = typeName ?? types[shape.typeIndex % types.count]
        var writer = JSONWriter(capacity: 0)
        swap(&writer.bytes, &bytes)
        defer { swap(&writer.bytes, &bytes) }

        writer.writeRaw("{")
        if !shape.omitID {
            writer.writeKey("id")
            writer.writeRaw("\"")
            shape.id.write(into: &writer.bytes)
            writer.writeRaw("\",")
        }
        writer.writeKey("created_at")
        Self.writeCreatedAt(shape.createdAt, style: random.next() % 20, into: &writer.bytes)
        let orgless = type.contains("login") || type.contains("logout") || type == "compliance_api_accessed"
            || type.hasPrefix("user_")
        if orgless {
            writer.writeRaw(",\"organization_id\":null,\"organization_uuid\":null")
        } else {
            let org = Self.organizations[Int(random.next() % UInt64(Self.organizations.count))]
            writer.writeRaw(",")
            writer.writeKey("organization_id")
            writer.writeString(org.id)
            writer.writeRaw(",")
            writer.writeKey("organization_uuid")
            writer.writeString(org.uuid)
        }
        writer.writeRaw(",")
        writer.writeKey("actor")
        writeActor(shape.actor, random: &random, writer: &writer)
        writer.writeRaw(",")
        writer.writeKey("type")
        writer.writeString(type)
        if let extra {
            for member in extra.members {
                writer.writeRaw(",")
                writer.writeKey(member.key)
                writer.write(member.value)
            }
        } else {
            writeTypeFields(type, random: &random, writer: &writer)
        }
        writer.writeRaw("}")
    }

    private func writeActor(_ kind: Actor.Kind, random: inout SplitMix64, writer: inout JSONWriter) {
        // Members go straight into the buffer, in this order: the mock renders millions of actors.
        var first = true
        writer.writeRaw("{")
        func put(_ key: String, _ value: JSONValue) {
            if !first { writer.writeRaw(",") }
            first = false
            writer.writeKey(key)
            writer.write(value)
        }
        put("type", .string(kind.rawValue))
        let ip = JSONValue.string(Self.pick(Self.ipAddresses, &random))
        let agent = JSONValue.string(Self.pick(Self.userAgents, &random))
        switch kind {
        case .user:
            put("email_address", .string(Self.pick(Self.emails, &random)))
            put("user_id", .string(Self.taggedID("user_", &random)))
            put("ip_address", ip)
            put("user_agent", agent)
        case .api:
            put("api_key_id", .string(Self.taggedID("apikey_", &random)))
            put("ip_address", ip)
            put("user_agent", agent)
        case .adminAPIKey:
            put("admin_api_key_id", .string(Self.taggedID("apikey_", &random)))
            put("ip_address", ip)
            put("user_agent", agent)
        case .unauthenticatedUser:
            put("ip_address", ip)
            put("user_agent", agent)
            put("unauthenticated_email_address", random.next() % 3 == 0 ? .null : .string(Self.pick(Self.emails, &random)))
        case .anthropic:
            put("email_address", .null)
        case .system:
            put("service", random.next() % 4 == 0 ? .null : .string("data-retention"))
        case .serviceAccount:
            put("service_account_id", .string(Self.taggedID("svcacct_", &random)))
            put("ip_address", ip)
            put("user_agent", agent)
        case .scimDirectorySync:
            put("directory_id", .string(Self.taggedID("directory_", &random)))
            put("workos_event_id", .string(Self.taggedID("event_", &random)))
            put("idp_connection_type", .string(random.next() % 2 == 0 ? "OktaSCIMV2" : "AzureSCIMV2"))
        case .federatedIdentity:
            put("issuer", .string("https://token.actions.githubusercontent.com"))
            put("subject", .string("repo:acme/infra:ref:refs/heads/main"))
            put("audience", .array([.string("https://api.anthropic.com")]))
            put("ip_address", random.next() % 4 == 0 ? .null : ip)
            put("user_agent", random.next() % 4 == 0 ? .null : agent)
        case .federated:
            let providers: [JSONObject] = [
                ["type": .string("aws"), "account_id": .string("123456789012"),
                 "signed_principal": .string("arn:aws:sts::123456789012:assumed-role/audit/session")],
                ["type": .string("azure"), "subscription_id": .string("0b1f6471-1bf0-4dda-aec3-cb9272f09590")],
                ["type": .string("gcp"), "project_number": .string("491012304561")],
                ["type": .string("oidc"), "issuer": random.next() % 3 == 0 ? .null : .string("https://idp.example")],
            ]
            put("provider", .object(Self.pick(providers, &random)))
            put("subject", .string("workload/batch-7"))
            put("ip_address", ip)
            put("user_agent", .null)
        case .attestedDevice:
            put("external_client_id", .string(Self.taggedID("client_", &random)))
            put("kid_hash", .string("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
            put("ip_address", ip)
            put("user_agent", .string("Claude/1.250912 (iPhone; iOS 19.0)"))
        default:
            break
        }
        writer.writeRaw("}")
    }

    private func writeTypeFields(_ type: String, random: inout SplitMix64, writer: inout JSONWriter) {
        var fields = JSONObject()
        switch type {
        case "compliance_api_accessed":
            fields["request_id"] = .string(Self.taggedID("req_", &random))
            fields["request_method"] = .string("GET")
            fields["status_code"] = .number("200")
            fields["url"] = .string("https://api.anthropic.com/v1/compliance/activities?limit=5000&order=asc")
        case "sso_login_succeeded", "magic_link_login_succeeded", "social_login_succeeded":
            fields["auth_method"] = .string(type.hasPrefix("sso") ? "sso" : "magic_link")
            fields["mfa_method"] = random.next() % 2 == 0 ? .null : .string("not_used")
        case "api_key_created", "admin_api_key_created":
            fields[type.hasPrefix("admin") ? "admin_api_key_id" : "api_key_id"] = .string(Self.taggedID("apikey_", &random))
            fields["scopes"] = .array([.string("read:compliance_activities"), .string("read:org_users")])
        case "scoped_api_key_deleted":
            fields["api_key_id"] = .string(Self.taggedID("apikey_", &random))
            fields["api_key_name"] = .string(Self.pick(Self.names, &random))
            fields["scopes"] = .array([.string("read:compliance_activities")])
        case "rbac_role_created":
            fields["role_id"] = .string(Self.taggedID("role_", &random))
            fields["role_name"] = .string(Self.pick(Self.names, &random))
        case "rbac_role_assigned":
            fields["principal_id"] = .string(Self.taggedID("user_", &random))
            fields["principal_type"] = .string("account")
            fields["role_id"] = .string(Self.taggedID("role_", &random))
        case "audit_log_export_started":
            fields["from_date"] = .string("2026-01-01T00:00:00Z")
            fields["to_date"] = .string("2026-06-30T23:59:59Z")
        case "claude_project_sharing_updated":
            fields["claude_project_id"] = .string(Self.taggedID("claude_proj_", &random))
            fields["audience"] = .array([.object(["type": .string("organization")])])
        case "platform_workspace_member_updated", "platform_api_key_updated", "scoped_api_key_updated",
            "admin_api_key_updated":
            fields["updates"] = .array([
                .object([
                    "current_value": .string(Self.pick(Self.names, &random)),
                    "previous_value": .string(Self.pick(Self.names, &random)),
                    "type": .string("name"),
                ])
            ])
        default:
            break
        }
        // Resource ids by naming convention, for the many types without a documented schema.
        if fields.isEmpty {
            if type.contains("chat") { fields["claude_chat_id"] = .string(Self.taggedID("claude_chat_", &random)) }
            if type.contains("project") {
                fields["claude_project_id"] = .string(Self.taggedID("claude_proj_", &random))
            }
            if type.contains("file") || type.contains("document") {
                fields["claude_file_id"] = .string(Self.taggedID("claude_file_", &random))
                fields["filename"] = .string(Self.pick(Self.filenames, &random))
            }
            if type.contains("workspace") { fields["workspace_id"] = .string(Self.taggedID("wrkspc_", &random)) }
            if type.contains("api_key") { fields["api_key_id"] = .string(Self.taggedID("apikey_", &random)) }
            if type.contains("role") { fields["role_id"] = .string(Self.taggedID("role_", &random)) }
            if type.contains("group") {
                fields["group_id"] = .string(Self.taggedID("group_", &random))
                fields["member_ids"] = .array([.string(Self.taggedID("user_", &random))])
            }
            if type.contains("scim_user") || type.contains("member") || type.contains("invite") {
                fields["user_id"] = .string(Self.taggedID("user_", &random))
            }
            if type.contains("setting") || type.contains("toggled") {
                fields["enabled"] = .bool(random.next() % 2 == 0)
            }
        }
        for member in fields.members {
            writer.writeRaw(",")
            writer.writeKey(member.key)
            writer.write(member.value)
        }
    }

    /// Mostly milliseconds with `Z`, as the API writes them; sometimes other RFC 3339 forms of the
    /// same instant (records are kept at millisecond precision, so none of these loses anything).
    /// Written as bytes: the mock renders tens of thousands of records per second.
    static func writeCreatedAt(_ time: RFC3339Timestamp, style: UInt64, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        switch style {
        case 0:
            ByteFormatting.appendRFC3339(time, fraction: .exactly(3), into: &bytes)
            bytes.removeLast()
            bytes.append(contentsOf: "+00:00".utf8)
        case 1:
            ByteFormatting.appendRFC3339(time, fraction: .exactly(6), into: &bytes)
        case 2:
            ByteFormatting.appendRFC3339(time.adding(.seconds(7200)), fraction: .exactly(3), into: &bytes)
            bytes.removeLast()
            bytes.append(contentsOf: "+02:00".utf8)
        default:
            ByteFormatting.appendRFC3339(time, fraction: .exactly(3), into: &bytes)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    static func taggedID(_ prefix: String, _ random: inout SplitMix64) -> String {
        var bytes = Array(prefix.utf8)
        bytes.append(contentsOf: "01".utf8)
        for _ in 0..<22 {
            bytes.append(ActivityID.alphabet[Int(random.next() % 58)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func pick<T>(_ values: [T], _ random: inout SplitMix64) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }

    static let organizations: [(id: String, uuid: String)] = [
        ("org_01Hq4bS6kV8mW2xYz3RtPq7N", "5b0e7f2c-3a1d-4c8e-9f6b-2d7a1e0c4b93"),
        ("org_01Jx9cT2aL5nB8vQw4EuRm3K", "c2d4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f"),
        ("org_01Mk7dU3bP6oC9wRx5FvSn4L", "9e8d7c6b-5a4f-4e3d-a2c1-b0a9f8e7d6c5"),
    ]
    static let emails = [
        "alice@acme.example", "zoë.müller@acme.example", "bob+audit@acme.example", "李雷@acme.example",
        "o'brien@acme.example", "admin=root@acme.example",
    ]
    static let ipAddresses = [
        "203.0.113.7", "198.51.100.23", "2001:db8:85a3::8a2e:370:7334", "2001:db8::1", "192.0.2.146",
    ]
    static let userAgents = [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
        "Claude/1.250912 (Macintosh; macOS 15.5)",
        "siem-forwarder/0.1 (Swift; Linux x86_64)",
        "curl/8.5.0",
        "python-httpx/0.27 | custom=agent \\ v2",
    ]
    static let names = [
        "Quarterly report", "Ops | on-call", "a=b c=d", "C:\\Temp\\keys", "line1\nline2", "tab\there",
        "Éléphant 🐘 notes", "quote \" and ] bracket", "   padded   ",
    ]
    static let filenames = [
        "report.pdf", "Q3 | results=final.xlsx", "C:\\Users\\bob\\notes.txt", "résumé 2026.docx",
        "multi\nline.txt", "😀.png", "",
    ]
}
