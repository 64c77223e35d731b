import ComplianceAPI

/// Renders realistic activity records, deterministically from a seed.
///
/// Every documented activity type and all 11 actor variants occur. Values deliberately include
/// what breaks naive SIEM encoders: `|`, `=`, `\`, quotes, newlines, tabs, non-ASCII text, emoji
/// and IPv6 addresses. The same (type, actor, seed) always renders the same bytes.
public struct ActivityGenerator: Sendable {
    /// The activity types the generator draws from: the documented catalogue.
    public let types: [String]

    public init(types: [String] = MockSpec.activityTypes) {
        self.types = types.isEmpty ? ["claude_chat_viewed"] : types
        plans = self.types.map { TypePlan(type: $0) }
    }

    /// Per-type rendering plans, prepared once: the mock renders tens of thousands of records a second.
    let plans: [TypePlan]

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
        if type == "compliance_api_accessed" { return MockSpec.api }
        if type.hasSuffix("_login_initiated") || type.hasSuffix("_login_failed") || type.hasPrefix("anonymous_") {
            return MockSpec.unauthenticatedUser
        }
        if type.hasSuffix("_login_succeeded") || type.hasPrefix("claude_file_") || type == "api_key_created"
            || type.hasPrefix("admin_api_key_")
        {
            return MockSpec.user
        }
        if type.hasPrefix("scim_") { return roll % 2 == 0 ? MockSpec.scimDirectorySync : MockSpec.user }
        // Otherwise mostly people, with every other variant represented.
        let bucket = Int(roll % 100)
        if bucket < 55 { return MockSpec.user }
        let others = MockSpec.actorKinds.filter { $0 != MockSpec.user }
        return others[(bucket - 55) % others.count]
    }

    func render(_ shape: Shape, typeName: String? = nil, extra: JSONObject?, into bytes: inout [UInt8]) {
        var random = SplitMix64(seed: shape.seed)
        let plan = typeName.map { TypePlan(type: $0) } ?? plans[shape.typeIndex % plans.count]

        bytes.append(UInt8(ascii: "{"))
        if !shape.omitID {
            bytes.append(contentsOf: #""id":""#.utf8)
            shape.id.write(into: &bytes)
            bytes.append(contentsOf: #"","#.utf8)
        }
        bytes.append(contentsOf: #""created_at":"#.utf8)
        Self.writeCreatedAt(shape.createdAt, style: random.next() % 20, into: &bytes)
        if plan.isOrganizationless {
            bytes.append(contentsOf: #","organization_id":null,"organization_uuid":null"#.utf8)
        } else {
            let org = Self.organizations[Int(random.next() % UInt64(Self.organizations.count))]
            bytes.append(contentsOf: #","organization_id":"#.utf8)
            bytes.append(contentsOf: org.id)
            bytes.append(contentsOf: #","organization_uuid":"#.utf8)
            bytes.append(contentsOf: org.uuid)
        }
        bytes.append(contentsOf: #","actor":"#.utf8)
        Self.writeActor(shape.actor, random: &random, into: &bytes)
        bytes.append(contentsOf: #","type":"#.utf8)
        bytes.append(contentsOf: plan.typeJSON)
        if let extra {
            var writer = JSONWriter(capacity: 0)
            swap(&writer.bytes, &bytes)
            for member in extra.members {
                writer.writeRaw(",")
                writer.writeKey(member.key)
                writer.write(member.value)
            }
            swap(&writer.bytes, &bytes)
        } else {
            for field in plan.fields {
                bytes.append(contentsOf: field.key)
                field.value.write(random: &random, into: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Mostly milliseconds with `Z`, as the API writes them; sometimes other RFC 3339 forms of the
    /// same instant (records are kept at millisecond precision, so none of these loses anything).
    /// Written as bytes: the mock renders tens of thousands of records per second.
    static func writeCreatedAt(_ time: RFC3339Timestamp, style: UInt64, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        switch style {
        case 0:
            bytes.append(contentsOf: time.formatted(fractionDigits: 3).utf8)
            bytes.removeLast()
            bytes.append(contentsOf: "+00:00".utf8)
        case 1:
            bytes.append(contentsOf: time.formatted(fractionDigits: 6).utf8)
        case 2:
            bytes.append(contentsOf: time.adding(.seconds(7200)).formatted(fractionDigits: 3).utf8)
            bytes.removeLast()
            bytes.append(contentsOf: "+02:00".utf8)
        default:
            bytes.append(contentsOf: time.formatted(fractionDigits: 3).utf8)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    static func pick<T>(_ values: [T], _ random: inout SplitMix64) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }
}
