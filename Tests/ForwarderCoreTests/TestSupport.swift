import ComplianceAPI
import Foundation
import Testing

@testable import ForwarderCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Test resources committed under `Tests/ForwarderCoreTests/Resources` (copied as a folder).
enum TestResources {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "test resource \(name) not found" }
    }

    static func text(_ name: String, _ ext: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources") else {
            throw Missing(name: "\(name).\(ext)")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Non-empty, non-comment lines.
    static func lines(_ name: String, _ ext: String) throws -> [String] {
        try text(name, ext).split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    static func activityTypes() throws -> [String] {
        try lines("activity-types", "txt").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The records of `sample-activities.json` (a copy of the spec's realistic page).
    static func sampleActivities() throws -> [Activity] {
        let page = try JSONParser.parse(try text("sample-activities", "json"))
        let records = page.objectValue?["data"]?.arrayValue ?? []
        return try records.map { record in
            guard let object = record.objectValue else { throw Missing(name: "sample record object") }
            return try Activity(object: object, rawJSON: JSONValue.object(object).jsonText)
        }
    }
}

/// One ECS field definition from `ecs-fields.tsv`.
struct ECSField {
    var type: String
    var isArray: Bool
}

enum ECSSchema {
    static func fields() throws -> [String: ECSField] {
        var fields: [String: ECSField] = [:]
        for line in try TestResources.lines("ecs-fields", "tsv") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 3 else { continue }
            fields[columns[0]] = ECSField(type: columns[1], isArray: columns[2] == "1")
        }
        return fields
    }

    /// `event.kind`/`category`/`type`/`outcome` allowed values, and per category its expected types.
    static func allowedValues() throws -> (values: [String: Set<String>], expectedTypes: [String: Set<String>]) {
        var values: [String: Set<String>] = [:]
        var expected: [String: Set<String>] = [:]
        for line in try TestResources.lines("ecs-allowed-values", "tsv") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 3 else { continue }
            values[columns[0], default: []].insert(columns[1])
            if columns[0] == "event.category" {
                expected[columns[1]] = Set(columns[2].split(separator: ",").map(String.init))
            }
        }
        return (values, expected)
    }
}

/// A strict, independent check of an ECS document, in the spirit of formats.md §7 "ECS check".
struct ECSValidator {
    let fields: [String: ECSField]
    let allowed: [String: Set<String>]
    let expectedTypes: [String: Set<String>]
    /// Custom roots that are not ECS (skipped): the encoder's namespace.
    var customRoots: Set<String> = ["claude", "acme"]

    init() throws {
        fields = try ECSSchema.fields()
        let values = try ECSSchema.allowedValues()
        allowed = values.values
        expectedTypes = values.expectedTypes
    }

    /// Every problem found; empty when valid.
    func problems(in document: JSONValue) -> [String] {
        guard let object = document.objectValue else { return ["document is not an object"] }
        var problems: [String] = []
        var seen: [String: JSONValue] = [:]
        walk(object, prefix: "", problems: &problems, seen: &seen)
        if seen["@timestamp"] == nil { problems.append("missing @timestamp") }
        if seen["ecs.version"] == nil { problems.append("missing ecs.version") }
        for name in ["event.kind", "event.outcome"] {
            if let value = seen[name]?.stringValue, allowed[name]?.contains(value) != true {
                problems.append("\(name)=\(value) not allowed")
            }
        }
        if seen["event.kind"]?.stringValue == "signal" { problems.append("event.kind=signal must not be ingested") }
        let categories = seen["event.category"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let types = seen["event.type"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for category in categories {
            guard let expected = expectedTypes[category] else {
                problems.append("event.category \(category) not allowed")
                continue
            }
            for type in types where !expected.contains(type) {
                problems.append("event.category \(category) does not allow event.type \(type)")
            }
        }
        for type in types where allowed["event.type"]?.contains(type) != true {
            problems.append("event.type \(type) not allowed")
        }
        return problems
    }

    private func walk(_ object: JSONObject, prefix: String, problems: inout [String], seen: inout [String: JSONValue]) {
        for member in object.members {
            let path = prefix.isEmpty ? member.key : prefix + "." + member.key
            if prefix.isEmpty, customRoots.contains(member.key) { continue }
            if path.hasPrefix("labels.") {
                if member.value.stringValue == nil { problems.append("\(path): labels are flat keywords") }
                continue
            }
            if let field = fields[path] {
                if ["object", "flattened", "nested"].contains(field.type) {
                    if path == "labels", let labels = member.value.objectValue {
                        walk(labels, prefix: path, problems: &problems, seen: &seen)
                    }
                    continue
                }
                seen[path] = member.value
                check(member.value, field: field, path: path, problems: &problems)
            } else if let nested = member.value.objectValue {
                walk(nested, prefix: path, problems: &problems, seen: &seen)
            } else {
                problems.append("\(path) is not an ECS field")
            }
        }
    }

    private func check(_ value: JSONValue, field: ECSField, path: String, problems: inout [String]) {
        if let array = value.arrayValue {
            if !field.isArray { problems.append("\(path) must not be an array") }
            for element in array { checkScalar(element, field: field, path: path, problems: &problems) }
            return
        }
        if field.isArray, path == "event.category" || path == "event.type" || path.hasPrefix("related.") {
            problems.append("\(path) must be a JSON array")
        }
        checkScalar(value, field: field, path: path, problems: &problems)
    }

    private func checkScalar(_ value: JSONValue, field: ECSField, path: String, problems: inout [String]) {
        switch field.type {
        case "keyword", "constant_keyword", "wildcard", "match_only_text", "text":
            if value.stringValue == nil { problems.append("\(path) must be a string") }
        case "long", "integer", "short", "byte", "unsigned_long":
            if value.int64Value == nil { problems.append("\(path) must be an integer") }
        case "float", "double", "scaled_float", "half_float":
            if case .number = value {} else { problems.append("\(path) must be a number") }
        case "boolean":
            if value.boolValue == nil { problems.append("\(path) must be a boolean") }
        case "date":
            guard let text = value.stringValue, RFC3339Timestamp(text) != nil, text.hasSuffix("Z") else {
                problems.append("\(path) must be an RFC 3339 UTC date")
                return
            }
        case "ip":
            guard let text = value.stringValue, TestIP.isValid(text) else {
                problems.append("\(path) must be an IP address")
                return
            }
        default:
            problems.append("\(path) has ECS type \(field.type), not handled by this check")
        }
    }
}

/// IP validation through the C library (independent of the encoder's own parser).
enum TestIP {
    static func isValid(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

/// Builds activities from JSON text.
enum Fixtures {
    static func activity(_ json: String) throws -> Activity {
        try Activity(json: json)
    }

    /// A1 from formats.md.
    static let a1JSON = """
        {"id":"act_01HZX3","created_at":"2024-05-01T12:34:56.789Z","type":"sso_login_succeeded",\
        "organization_id":"org_123","actor":{"type":"user","email_address":"alice@example.com",\
        "ip_address":"203.0.113.7","user_agent":"Mozilla/5.0 (X11; Linux x86_64)"}}
        """

    static func a1() throws -> Activity { try activity(a1JSON) }

    /// One actor object per documented variant, plus an unknown future one.
    static let actors: [String: String] = [
        "user_actor":
            #"{"type":"user_actor","email_address":"zoë@example.com","user_id":"user_01A","ip_address":"203.0.113.7","user_agent":"Mozilla/5.0"}"#,
        "api_actor":
            #"{"type":"api_actor","api_key_id":"apikey_01B","ip_address":"2001:db8::7","user_agent":"curl/8.0"}"#,
        "admin_api_key_actor":
            #"{"type":"admin_api_key_actor","admin_api_key_id":"adminkey_01C","ip_address":"198.51.100.4","user_agent":"python-httpx"}"#,
        "unauthenticated_user_actor":
            #"{"type":"unauthenticated_user_actor","ip_address":"192.0.2.1","user_agent":"Mozilla/5.0","unauthenticated_email_address":"guess@example.com"}"#,
        "anthropic_actor": #"{"type":"anthropic_actor","email_address":null}"#,
        "system_actor": #"{"type":"system_actor","service":"billing"}"#,
        "service_account_actor":
            #"{"type":"service_account_actor","service_account_id":"svcacct_01D","ip_address":"10.0.0.8","user_agent":"sdk/1.0"}"#,
        "scim_directory_sync_actor":
            #"{"type":"scim_directory_sync_actor","directory_id":"directory_01E","workos_event_id":"event_01F","idp_connection_type":"OktaSCIMV2"}"#,
        "federated_identity_actor":
            #"{"type":"federated_identity_actor","issuer":"https://token.actions.githubusercontent.com","subject":"repo:acme/app:ref:refs/heads/main","audience":["https://api.anthropic.com"],"ip_address":null,"user_agent":null}"#,
        "federated_actor":
            #"{"type":"federated_actor","provider":{"type":"aws","account_id":"123456789012","signed_principal":"arn:aws:sts::123456789012:assumed-role/app/x"},"subject":"AROAEXAMPLE","ip_address":"not-an-ip","user_agent":"aws-sdk"}"#,
        "attested_device_actor":
            #"{"type":"attested_device_actor","external_client_id":"client_01G","kid_hash":"abc123","ip_address":"::ffff:192.0.2.33","user_agent":"Claude iOS"}"#,
        "future_actor": #"{"type":"future_actor","new_field":{"nested":[1,2.50,true]},"ip_address":"fe80::1%eth0"}"#,
    ]

    /// Per-type field shapes seen in the reference, cycled over the types.
    static let extras: [String] = [
        "",
        #","user_id":"user_target","workspace_id":"wrkspc_1""#,
        #","target_id":"user_t2","target_type":"user","role":"admin","resource_id":null,"resource_type":"workspace""#,
        #","principal_id":"user_p","principal_type":"account","role_id":"role_1""#,
        #","request_id":"req_1","request_method":"GET","status_code":429,"url":"https://api.anthropic.com/v1/compliance/activities?limit=5000""#,
        #","event_data":{"external_client_id":"c","kid_hash":null},"status":{"outcome":"failure","reason":"attestation expired"}"#,
        #","group_id":"group_1","member_ids":["user_m1","user_m2","user_m1"]"#,
        #","api_key_id":"apikey_x","updates":[{"current_value":"b","previous_value":"a","type":"name"}],"scopes":[]"#,
        #","filename":"résumé \"final\".pdf\n","claude_file_id":"f1","preview_only":false,"size":1.50"#,
    ]

    /// A record of `type` by the actor variant `actor`, with per-type fields number `extra`.
    static func activity(type: String, actor: String, extra: Int, id: Int) throws -> Activity {
        let actorJSON = actors[actor] ?? "{}"
        let extraJSON = extras[extra % extras.count]
        let organization = id % 3 == 0 ? "null" : "\"org_\(id)\""
        return try activity(
            #"{"id":"activity_\#(id)","created_at":"2026-09-03T14:59:58.913123456+02:00","type":"\#(type)","organization_id":\#(organization),"organization_uuid":"3f2a-\#(id)","actor":\#(actorJSON)\#(extraJSON)}"#
        )
    }
}

/// Parses bytes as JSON, failing the test when they are not.
func parseJSON(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
    do {
        return try JSONParser.parse(bytes)
    } catch {
        Issue.record(
            "invalid JSON: \(error) in \(String(decoding: bytes, as: UTF8.self))",
            sourceLocation: sourceLocation
        )
        throw error
    }
}

/// The same JSON with object members sorted by key (for comparisons that ignore key order).
func canonical(_ value: JSONValue) -> JSONValue {
    switch value {
    case .array(let elements): return .array(elements.map(canonical))
    case .object(let object):
        let members = object.members.map { JSONObject.Member(key: $0.key, value: canonical($0.value)) }
        return .object(JSONObject(members: members.sorted { $0.key < $1.key }))
    default: return value
    }
}

/// Removes a dotted path from a JSON object (returns the removed value).
@discardableResult
func removePath(_ path: String, from value: inout JSONValue) -> JSONValue? {
    guard var object = value.objectValue else { return nil }
    let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
    if parts.count == 1 {
        let removed = object[parts[0]]
        object[parts[0]] = nil
        value = .object(object)
        return removed
    }
    guard var child = object[parts[0]] else { return nil }
    let removed = removePath(parts[1], from: &child)
    object[parts[0]] = child
    value = .object(object)
    return removed
}

/// Reads a dotted path.
func valueAt(_ path: String, in value: JSONValue) -> JSONValue? {
    var current: JSONValue? = value
    for part in path.split(separator: ".") {
        current = current?.objectValue?[String(part)]
    }
    return current
}

/// A small deterministic generator (SplitMix64) so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random text full of what breaks log formats.
enum Hostile {
    static let pieces: [String] = [
        "a", "Z", "0", " ", "  ", "|", "=", "\\", "\\=", "\n", "\r", "\r\n", "\t", "\u{0}", "\u{1B}", "\u{7F}",
        "\"", "]", "[", "é", "中", "😀", "\u{2028}", "\u{2029}", "\u{00A0}", "\u{FEFF}", "\u{0301}", " key=",
        "cs1=", "CEF:0|", "%", "-", "\u{10FFFF}",
    ]

    static func string(using generator: inout SeededGenerator, maxPieces: Int = 24) -> String {
        let count = Int.random(in: 0...maxPieces, using: &generator)
        var text = ""
        for _ in 0..<count {
            text += pieces.randomElement(using: &generator) ?? "a"
        }
        // Sometimes very long, to exercise truncation.
        if Int.random(in: 0..<10, using: &generator) == 0 {
            let piece = pieces.randomElement(using: &generator) ?? "a"
            text += String(repeating: piece, count: Int.random(in: 500...4500, using: &generator))
        }
        return text
    }
}
