import ComplianceAPI

/// Encodes an activity as one ArcSight Common Event Format (CEF:0) record.
///
/// ```
/// CEF:0|Anthropic|Claude Compliance|0.1.0|sso_login_succeeded|SSO login succeeded|3|rt=1714566896789 externalId=… act=sso_login_succeeded outcome=success suser=alice@example.com …
/// ```
///
/// Header: Device Event Class ID = activity type, Name = the mapping's readable name, Severity = the
/// mapping's 0–10 severity. Extension keys, always in this order and omitted when empty:
///
/// | key | value |
/// |---|---|
/// | `rt` | `created_at`, milliseconds since the epoch (truncated) |
/// | `externalId` | activity id (only when ≤ 40 characters; longer ids go whole to `cs6`) |
/// | `act` | activity type |
/// | `outcome` | `success` / `failure` / `unknown`, always (as ECS `event.outcome`) |
/// | `suser` | actor email (or the untrusted email typed at an unauthenticated sign-in) |
/// | `suid` | actor id (`user_id`, API key id, service account id, subject…) |
/// | `duser` / `duid` | the user acted upon (per-type fields such as `user_id`, `target_id`) |
/// | `dpriv` | the role granted to or revoked from that user (`role`) |
/// | `src` | actor IPv4 address |
/// | `c6a2`, `c6a2Label` | actor IPv6 address, `Source IPv6 Address` |
/// | `requestClientApplication` | actor user agent |
/// | `requestMethod`, `request` | request method and URL (`request_method`, `url`) |
/// | `fname` | `filename` |
/// | `reason` | failure reason from the record |
/// | `cs1` `organizationId` | `organization_id` |
/// | `cs2` `actorType` | `actor.type` |
/// | `cs3` `activityFields` | compact JSON of every per-type field (truncated at 4000) |
/// | `cs4` `actorFields` | compact JSON of actor fields not carried by the keys above |
/// | `cs5` `selfGenerated` | `true` for the forwarder's own polling activity |
/// | `deviceExternalId` | the source's name, with several sources (`sources[].name`) |
/// | `cs6` `recordSha256` | SHA-256 of the record's original bytes (hex) |
/// | `cs6` `activityId` | instead, an activity id longer than 40 characters, never truncated |
///
/// CEF is a lossy view (length limits); forward `raw` or ECS where every byte matters. The record is
/// written without a trailing newline.
public struct CEFEncoder: Sendable {
    /// Output options.
    public struct Configuration: Sendable, Hashable {
        /// Device Vendor (max 63).
        public var vendor: String
        /// Device Product (max 63).
        public var product: String
        /// Device Version (max 31).
        public var version: String
        /// Whether to write `cs2`/`cs2Label=actorType`.
        public var includesActorType: Bool
        /// Whether to write `cs3`/`cs3Label=activityFields` (the per-type fields as JSON).
        public var includesActivityFields: Bool
        /// Whether to write `cs4`/`cs4Label=actorFields` (remaining actor fields as JSON).
        public var includesActorFields: Bool

        /// - Parameters:
        ///   - vendor: Device Vendor (default `Anthropic`).
        ///   - product: Device Product (default `Claude Compliance`).
        ///   - version: Device Version (default: this library's version).
        ///   - includesActorType: write `cs2` (default `true`).
        ///   - includesActivityFields: write `cs3` (default `true`).
        ///   - includesActorFields: write `cs4` (default `true`).
        public init(
            vendor: String = "Anthropic",
            product: String = "Claude Compliance",
            version: String = ComplianceClient.version,
            includesActorType: Bool = true,
            includesActivityFields: Bool = true,
            includesActorFields: Bool = true
        ) {
            self.vendor = vendor
            self.product = product
            self.version = version
            self.includesActorType = includesActorType
            self.includesActivityFields = includesActivityFields
            self.includesActorFields = includesActorFields
        }
    }

    /// Maximum lengths from the CEF extension dictionary.
    enum Limit {
        static let vendor = 63
        static let product = 63
        static let version = 31
        static let eventClassID = 1023
        static let name = 512
        static let externalID = 40
        static let short = 63  // act, outcome
        static let standard = 1023  // users, ids, request fields, reason, labels
        static let customString = 4000
    }

    /// The options this encoder writes with.
    public let configuration: Configuration
    /// `CEF:0|vendor|product|version|`, encoded once.
    let headerPrefix: [UInt8]

    /// - Parameter configuration: output options.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var prefix = Array("CEF:0|".utf8)
        CEFEscaping.appendHeaderField(configuration.vendor, maxLength: Limit.vendor, into: &prefix)
        prefix.append(UInt8(ascii: "|"))
        CEFEscaping.appendHeaderField(configuration.product, maxLength: Limit.product, into: &prefix)
        prefix.append(UInt8(ascii: "|"))
        CEFEscaping.appendHeaderField(configuration.version, maxLength: Limit.version, into: &prefix)
        prefix.append(UInt8(ascii: "|"))
        self.headerPrefix = prefix
    }

    /// Appends the record for `activity` described by `mapping`.
    public func encode(
        _ activity: Activity,
        mapping: ActivityTypeMapping,
        context: ActivityEncodingContext,
        into buffer: inout [UInt8]
    ) {
        let facts = ActivityFacts(activity: activity, mapping: mapping)
        buffer.append(contentsOf: headerPrefix)
        CEFEscaping.appendHeaderField(activity.type, maxLength: Limit.eventClassID, into: &buffer)
        buffer.append(UInt8(ascii: "|"))
        CEFEscaping.appendHeaderField(mapping.name, maxLength: Limit.name, into: &buffer)
        buffer.append(UInt8(ascii: "|"))
        ByteFormatting.appendDecimal(Int64(min(max(mapping.severity, 0), 10)), into: &buffer)
        buffer.append(UInt8(ascii: "|"))

        var writer = ExtensionWriter(buffer: [])
        swap(&writer.buffer, &buffer)
        defer { swap(&buffer, &writer.buffer) }

        writer.buffer.append(contentsOf: "rt=".utf8)
        ByteFormatting.appendDecimal(activity.createdAt.millisecondsSinceEpoch, into: &writer.buffer)
        writer.first = false
        let longID = activity.id.utf16.count > Limit.externalID
        if !longID {
            writer.append("externalId", activity.id, maxLength: Limit.externalID)
        }
        writer.append("act", activity.type, maxLength: Limit.short)
        writer.append("outcome", facts.outcome.rawValue, maxLength: Limit.short)
        writer.append("suser", facts.actorEmail, maxLength: Limit.standard)
        writer.append("suid", facts.actorPrincipalID, maxLength: Limit.standard)
        writer.append("duser", facts.targetEmail, maxLength: Limit.standard)
        writer.append("duid", facts.targetID, maxLength: Limit.standard)
        writer.append("dpriv", facts.targetRole, maxLength: Limit.standard)
        switch facts.ipKind {
        case .v4:
            writer.append("src", facts.ipAddress, maxLength: Limit.standard)
        case .v6:
            writer.append("c6a2", facts.ipAddress, maxLength: Limit.standard)
            writer.append("c6a2Label", "Source IPv6 Address", maxLength: Limit.standard)
        case nil:
            break
        }
        writer.append("requestClientApplication", facts.userAgent, maxLength: Limit.standard)
        writer.append("requestMethod", facts.requestMethod, maxLength: Limit.standard)
        writer.append("request", facts.url, maxLength: Limit.standard)
        writer.append("fname", facts.fileName, maxLength: Limit.standard)
        writer.append("reason", facts.reason, maxLength: Limit.standard)
        writer.appendCustom(1, label: "organizationId", value: activity.organizationID)
        let actorType = activity.actor.kind.rawValue
        let writesActorType = configuration.includesActorType && !actorType.isEmpty
        if writesActorType {
            writer.appendCustom(2, label: "actorType", value: actorType)
        }
        if configuration.includesActivityFields, !activity.extra.isEmpty {
            writer.appendCustomJSON(3, label: "activityFields", members: activity.extra.members) { _ in true }
        }
        if configuration.includesActorFields {
            func remains(_ member: JSONObject.Member) -> Bool {
                if member.key == "type" { return !writesActorType }
                return !facts.isMappedActorField(member, ipMappedOnlyIfValid: true)
            }
            let members = activity.actor.fields.members
            if members.contains(where: remains) {
                writer.appendCustomJSON(4, label: "actorFields", members: members, where: remains)
            }
        }
        if context.selfGenerated {
            writer.appendCustom(5, label: "selfGenerated", value: "true")
        }
        writer.append("deviceExternalId", context.sourceName, maxLength: 255)
        if longID {
            // The dedup key must survive whole: no limit applies here.
            writer.appendCustom(6, label: "activityId", value: activity.id, maxLength: nil)
        } else if let recordHash = context.recordHash {
            writer.appendCustom(6, label: "recordSha256", value: recordHash.hex, maxLength: nil)
        }
    }

    /// Writes `key=value` pairs separated by single spaces.
    private struct ExtensionWriter {
        var buffer: [UInt8]
        var first = true

        mutating func append(_ key: StaticString, _ value: String?, maxLength: Int?) {
            guard let value else { return }
            Self.withPreparedValue(value, maxLength: maxLength) { bytes in
                appendKey(key)
                CEFEscaping.appendExtensionValue(bytes: bytes, into: &buffer)
            }
        }

        /// `csNLabel=label csN=value`, both or neither.
        mutating func appendCustom(
            _ number: Int,
            label: StaticString,
            value: String?,
            maxLength: Int? = Limit.customString
        ) {
            guard let value else { return }
            Self.withPreparedValue(value, maxLength: maxLength) { bytes in
                appendLabel(number, label)
                appendKey(Self.customKey(number).value)
                CEFEscaping.appendExtensionValue(bytes: bytes, into: &buffer)
            }
        }

        /// `csNLabel=label csN=<compact JSON of the object of members passing include>`.
        ///
        /// The JSON is written straight into the record; only when it holds a byte CEF escapes (`\`
        /// or `=`; compact JSON has no raw line breaks) or is over the limit is it taken out again.
        mutating func appendCustomJSON(
            _ number: Int,
            label: StaticString,
            members: [JSONObject.Member],
            where include: (JSONObject.Member) -> Bool
        ) {
            let labelStart = buffer.count
            let wasFirst = first
            appendLabel(number, label)
            appendKey(Self.customKey(number).value)
            let valueStart = buffer.count
            var json = JSONWriter(capacity: 0)
            swap(&json.bytes, &buffer)
            json.bytes.append(UInt8(ascii: "{"))
            var first = true
            for member in members where include(member) {
                if !first { json.bytes.append(UInt8(ascii: ",")) }
                first = false
                json.writeKey(member.key)
                json.write(member.value)
            }
            json.bytes.append(UInt8(ascii: "}"))
            swap(&json.bytes, &buffer)

            // UTF-8 is never shorter than UTF-16: at most the limit in bytes needs no truncation.
            if buffer.count - valueStart > Limit.customString {
                let text = String(decoding: buffer[valueStart...], as: UTF8.self)
                buffer.removeSubrange(labelStart...)
                self.first = wasFirst
                appendCustom(number, label: label, value: text)
                return
            }
            var needsEscape = false
            for index in valueStart..<buffer.count where buffer[index] == 0x5C || buffer[index] == 0x3D {
                needsEscape = true
                break
            }
            if needsEscape {
                let value = Array(buffer[valueStart...])
                buffer.removeSubrange(valueStart...)
                value.withUnsafeBufferPointer { CEFEscaping.appendExtensionValue(bytes: $0, into: &buffer) }
            }
        }

        private mutating func appendKey(_ key: StaticString) {
            if !first { buffer.append(UInt8(ascii: " ")) }
            first = false
            buffer.appendStatic(key)
            buffer.append(UInt8(ascii: "="))
        }

        private mutating func appendLabel(_ number: Int, _ label: StaticString) {
            appendKey(Self.customKey(number).label)
            CEFEscaping.appendExtensionValue(
                bytes: UnsafeBufferPointer(start: label.utf8Start, count: label.utf8CodeUnitCount),
                into: &buffer
            )
        }

        /// Calls `body` with the bytes the value is written as (before escaping): trimmed and
        /// truncated as ``CEFEscaping/preparedExtensionValue(_:maxLength:)`` says, or not at all when
        /// nothing is left.
        ///
        /// Almost every value is short and starts and ends with a printable ASCII byte, so there is
        /// nothing to trim or truncate and its bytes are used as they are (the general path's
        /// Substring and Unicode scalar views showed in profiles).
        private static func withPreparedValue(
            _ value: String,
            maxLength: Int?,
            _ body: (UnsafeBufferPointer<UInt8>) -> Void
        ) {
            var value = value
            let done = value.withUTF8 { bytes in
                guard let first = bytes.first, let last = bytes.last, (0x21...0x7E).contains(first),
                    (0x21...0x7E).contains(last), bytes.count <= maxLength ?? Int.max
                else { return false }
                body(bytes)
                return true
            }
            guard !done, let prepared = CEFEscaping.preparedExtensionValue(value, maxLength: maxLength) else { return }
            CEFEscaping.withUTF8(prepared, body)
        }

        private static func customKey(_ number: Int) -> (label: StaticString, value: StaticString) {
            switch number {
            case 1: ("cs1Label", "cs1")
            case 2: ("cs2Label", "cs2")
            case 3: ("cs3Label", "cs3")
            case 4: ("cs4Label", "cs4")
            case 5: ("cs5Label", "cs5")
            default: ("cs6Label", "cs6")
            }
        }
    }
}
