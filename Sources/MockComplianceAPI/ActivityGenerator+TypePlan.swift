import ComplianceAPI

extension ActivityGenerator {
    /// What a record of one activity type carries beyond the common fields, decided once per type.
    ///
    /// Values that vary per record are drawn from the record's random stream while rendering, in
    /// the order the fields are listed, so a (type, seed) pair always renders the same bytes.
    struct TypePlan: Sendable {
        /// The type name as a JSON string.
        var typeJSON: [UInt8]
        /// Login, logout and user-level events carry no organisation.
        var isOrganizationless: Bool
        /// Members after `type`; each key is written as `,"key":`.
        var fields: [(key: [UInt8], value: FieldValue)]

        init(type: String) {
            typeJSON = FieldValue.json(type)
            isOrganizationless =
                type.contains("login") || type.contains("logout")
                || type == "compliance_api_accessed" || type.hasPrefix("user_")
            fields = Self.fields(for: type).map { (Array(",\"\($0.key)\":".utf8), $0.value) }
        }

        private static func fields(for type: String) -> [(key: String, value: FieldValue)] {
            switch type {
            case "compliance_api_accessed":
                return [
                    ("request_id", .taggedID("req_")),
                    ("request_method", .string("GET")),
                    ("status_code", .literal("200")),
                    ("url", .string("https://api.anthropic.com/v1/compliance/activities?limit=5000&order=asc")),
                ]
            case "sso_login_succeeded", "magic_link_login_succeeded", "social_login_succeeded":
                return [
                    ("auth_method", .string(type.hasPrefix("sso") ? "sso" : "magic_link")),
                    ("mfa_method", .nullOrString("not_used")),
                ]
            case "api_key_created", "admin_api_key_created":
                return [
                    (type.hasPrefix("admin") ? "admin_api_key_id" : "api_key_id", .taggedID("apikey_")),
                    ("scopes", .literal(#"["read:compliance_activities","read:org_users"]"#)),
                ]
            case "scoped_api_key_deleted":
                return [
                    ("api_key_id", .taggedID("apikey_")),
                    ("api_key_name", .pick(ActivityGenerator.names)),
                    ("scopes", .literal(#"["read:compliance_activities"]"#)),
                ]
            case "rbac_role_created":
                return [("role_id", .taggedID("role_")), ("role_name", .pick(ActivityGenerator.names))]
            case "rbac_role_assigned":
                return [
                    ("principal_id", .taggedID("user_")),
                    ("principal_type", .string("account")),
                    ("role_id", .taggedID("role_")),
                ]
            case "audit_log_export_started":
                return [("from_date", .string("2026-01-01T00:00:00Z")), ("to_date", .string("2026-06-30T23:59:59Z"))]
            case "claude_project_sharing_updated":
                return [
                    ("claude_project_id", .taggedID("claude_proj_")),
                    ("audience", .literal(#"[{"type":"organization"}]"#)),
                ]
            case "platform_workspace_member_updated", "platform_api_key_updated", "scoped_api_key_updated",
                "admin_api_key_updated":
                let update = FieldValue.object([
                    ("current_value", .pick(ActivityGenerator.names)),
                    ("previous_value", .pick(ActivityGenerator.names)),
                    ("type", .string("name")),
                ])
                return [("updates", .array([update]))]
            default:
                return conventionalFields(for: type)
            }
        }

        /// Resource ids by naming convention, for the many types without a documented schema.
        private static func conventionalFields(for type: String) -> [(key: String, value: FieldValue)] {
            var fields: [(key: String, value: FieldValue)] = []
            if type.contains("chat") { fields.append(("claude_chat_id", .taggedID("claude_chat_"))) }
            if type.contains("project") { fields.append(("claude_project_id", .taggedID("claude_proj_"))) }
            if type.contains("file") || type.contains("document") {
                fields.append(("claude_file_id", .taggedID("claude_file_")))
                fields.append(("filename", .pick(ActivityGenerator.filenames)))
            }
            if type.contains("workspace") { fields.append(("workspace_id", .taggedID("wrkspc_"))) }
            if type.contains("api_key") { fields.append(("api_key_id", .taggedID("apikey_"))) }
            if type.contains("role") { fields.append(("role_id", .taggedID("role_"))) }
            if type.contains("group") {
                fields.append(("group_id", .taggedID("group_")))
                fields.append(("member_ids", .array([.taggedID("user_")])))
            }
            if type.contains("scim_user") || type.contains("member") || type.contains("invite") {
                fields.append(("user_id", .taggedID("user_")))
            }
            if type.contains("setting") || type.contains("toggled") { fields.append(("enabled", .randomBool)) }
            return fields
        }
    }

    /// One generated JSON value: fixed bytes, or drawn from the record's random stream.
    indirect enum FieldValue: Sendable {
        /// Bytes written verbatim (valid JSON).
        case raw([UInt8])
        /// A prefixed id such as `user_01…` with 22 random base58 characters.
        case taggedID(String)
        /// One of a pool of pre-encoded values.
        case pick([[UInt8]])
        /// `null` or the given pre-encoded value, evenly.
        case nullOr([UInt8])
        case randomBool
        case array([FieldValue])
        case object([(key: [UInt8], value: FieldValue)])

        static func string(_ value: String) -> FieldValue { .raw(json(value)) }
        static func literal(_ json: String) -> FieldValue { .raw(Array(json.utf8)) }
        static func nullOrString(_ value: String) -> FieldValue { .nullOr(json(value)) }
        static func object(_ members: [(key: String, value: FieldValue)]) -> FieldValue {
            .object(members.map { (Array("\"\($0.key)\":".utf8), $0.value) })
        }

        /// `value` as a quoted, escaped JSON string.
        static func json(_ value: String) -> [UInt8] {
            var writer = JSONWriter(capacity: value.utf8.count + 2)
            writer.writeString(value)
            return writer.bytes
        }

        func write(random: inout SplitMix64, into bytes: inout [UInt8]) {
            switch self {
            case .raw(let json):
                bytes.append(contentsOf: json)
            case .taggedID(let prefix):
                ActivityGenerator.writeTaggedID(prefix, random: &random, into: &bytes)
            case .pick(let pool):
                bytes.append(contentsOf: ActivityGenerator.pick(pool, &random))
            case .nullOr(let json):
                if random.next() % 2 == 0 {
                    bytes.append(contentsOf: "null".utf8)
                } else {
                    bytes.append(contentsOf: json)
                }
            case .randomBool:
                bytes.append(contentsOf: random.next() % 2 == 0 ? "true".utf8 : "false".utf8)
            case .array(let elements):
                bytes.append(UInt8(ascii: "["))
                for (index, element) in elements.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    element.write(random: &random, into: &bytes)
                }
                bytes.append(UInt8(ascii: "]"))
            case .object(let members):
                bytes.append(UInt8(ascii: "{"))
                for (index, member) in members.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    bytes.append(contentsOf: member.key)
                    member.value.write(random: &random, into: &bytes)
                }
                bytes.append(UInt8(ascii: "}"))
            }
        }
    }
}
