import ComplianceAPI

/// Encodes an activity as one Elastic Common Schema (ECS 9.4) JSON document.
///
/// Standard fields carry what SIEM rules search for (`@timestamp`, `event.*` from the
/// ``ActivityMappingTable`` row with `event.outcome` on every event, `user.*`, `user.target.*`,
/// `source.*`, `user_agent.original`, `organization.*`, `related.*`, `http.*` and `url.*` for
/// requests, `file.*`; docs/mapping.md lists each source field). Everything is also kept verbatim
/// under one custom namespace (``Configuration/customNamespace``, default `claude`):
///
/// - `claude.activity.*`: every per-type field of the record (``Activity/extra``), values as sent;
/// - `claude.actor.*`: `actor.type` and every actor field not already in a standard field
///   (`email_address` → `user.email`, `user_id` → `user.id`, `ip_address` → `source.address`,
///   `user_agent` → `user_agent.original` are not repeated);
/// - `claude.organization.uuid`: `organization_uuid`.
///
/// Per-type fields vary in shape across types, so map `claude.activity` as `flattened` (or disable
/// it) in the index template; a dynamic mapping would reject a document whose field changes type.
///
/// `source.ip` and `related.ip` are written only when `ip_address` parses as IPv4/IPv6: anything
/// else in an `ip` field makes Elasticsearch reject the document. The document is written without a
/// trailing newline.
///
/// ```swift
/// var line: [UInt8] = []
/// ActivityEncoder(format: .ecs).append(activity, context: .init(readTime: .now), into: &line)
/// ```
public struct ECSEncoder: Sendable {
    /// Output options. The defaults suit a direct Elasticsearch or Splunk destination.
    public struct Configuration: Sendable, Hashable {
        /// Identifies the forwarder process (`agent.*`).
        public struct Agent: Sendable, Hashable {
            /// `agent.type`: the same for every instance.
            public var type: String
            /// `agent.name`: which instance, when the embedding program names one; the forwarder leaves
            /// it unset, so documents carry no host name unless configured here.
            public var name: String?
            /// `agent.version`.
            public var version: String

            /// - Parameters:
            ///   - type: `agent.type` (default `compliance-forwarder`).
            ///   - name: `agent.name`, usually the host name; omitted when `nil`.
            ///   - version: `agent.version` (default: this library's version).
            public init(
                type: String = "compliance-forwarder",
                name: String? = nil,
                version: String = ComplianceClient.version
            ) {
                self.type = type
                self.name = name
                self.version = version
            }
        }

        /// Identifies the system that recorded the events (`observer.*`).
        public struct Observer: Sendable, Hashable {
            /// `observer.vendor`.
            public var vendor: String
            /// `observer.product`.
            public var product: String

            /// - Parameters:
            ///   - vendor: `observer.vendor` (default `Anthropic`).
            ///   - product: `observer.product` (default `Claude`).
            public init(vendor: String = "Anthropic", product: String = "Claude") {
                self.vendor = vendor
                self.product = product
            }
        }

        /// `ecs.version`: the schema version the documents follow.
        public var ecsVersion: String
        /// `event.provider`.
        public var provider: String
        /// `event.module`.
        public var module: String
        /// `event.dataset`; also the dataset part of a data stream name (`logs-<dataset>-<namespace>`),
        /// so keep it lowercase, without `-`, at most 100 characters.
        public var dataset: String
        /// Dotted path of the custom namespace holding per-type and actor fields (`claude` →
        /// `claude.activity.*`, `claude.actor.*`). Must not be an ECS field set.
        public var customNamespace: String
        /// Whether to add `event.original` (the record's JSON text; stored, not indexed).
        public var includesOriginal: Bool
        /// `agent.*`, or `nil` to omit.
        public var agent: Agent?
        /// `observer.*`, or `nil` to omit.
        public var observer: Observer?

        /// - Parameters:
        ///   - ecsVersion: `ecs.version` (default `9.4.0`).
        ///   - provider: `event.provider` (default `claude`).
        ///   - module: `event.module` (default `claude`).
        ///   - dataset: `event.dataset` (default `claude.audit`).
        ///   - customNamespace: root of the custom fields (default `claude`).
        ///   - includesOriginal: add `event.original` (default `false`).
        ///   - agent: `agent.*` (default: type `compliance-forwarder`, this version, no name).
        ///   - observer: `observer.*` (default: `Anthropic` / `Claude`).
        public init(
            ecsVersion: String = "9.4.0",
            provider: String = "claude",
            module: String = "claude",
            dataset: String = "claude.audit",
            customNamespace: String = "claude",
            includesOriginal: Bool = false,
            agent: Agent? = Agent(),
            observer: Observer? = Observer()
        ) {
            self.ecsVersion = ecsVersion
            self.provider = provider
            self.module = module
            self.dataset = dataset
            self.customNamespace = customNamespace
            self.includesOriginal = includesOriginal
            self.agent = agent
            self.observer = observer
        }
    }

    /// The options this encoder writes with.
    public let configuration: Configuration
    let namespacePath: [String]
    /// The parts of every document that only depend on the configuration, encoded once.
    let fragments: Fragments

    struct Fragments: Sendable {
        /// `","ecs":{"version":"…"},"message":` (after `@timestamp`).
        var afterTimestamp: [UInt8]
        /// `","provider":"…","module":"…","dataset":"…","severity":` (after `event.created`).
        var afterCreated: [UInt8]
        /// `,"agent":{…},"observer":{…}` (possibly empty).
        var identification: [UInt8]
        /// `,"claude":{` for the namespace path.
        var namespaceOpen: [UInt8]
    }

    /// - Parameter configuration: output options.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let path = configuration.customNamespace.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        let namespacePath = path.isEmpty ? ["claude"] : path
        self.namespacePath = namespacePath

        var json = JSONWriter(capacity: 64)
        json.bytes.appendStatic("\",\"ecs\":{\"version\":")
        json.writeString(configuration.ecsVersion)
        json.bytes.appendStatic("},\"message\":")
        let afterTimestamp = json.bytes

        json = JSONWriter(capacity: 64)
        json.bytes.appendStatic("\",\"provider\":")
        json.writeString(configuration.provider)
        json.bytes.appendStatic(",\"module\":")
        json.writeString(configuration.module)
        json.bytes.appendStatic(",\"dataset\":")
        json.writeString(configuration.dataset)
        json.bytes.appendStatic(",\"severity\":")
        let afterCreated = json.bytes

        json = JSONWriter(capacity: 64)
        Self.writeIdentification(configuration, into: &json)
        let identification = json.bytes

        json = JSONWriter(capacity: 16)
        json.bytes.appendStatic(",")
        for (index, component) in namespacePath.enumerated() {
            if index > 0 { json.bytes.appendStatic("{") }
            json.writeKey(component)
        }
        json.bytes.appendStatic("{")
        self.fragments = Fragments(
            afterTimestamp: afterTimestamp,
            afterCreated: afterCreated,
            identification: identification,
            namespaceOpen: json.bytes
        )
    }

    /// Appends the document for `activity` categorized by `mapping`.
    public func encode(
        _ activity: Activity,
        mapping: ActivityTypeMapping,
        context: ActivityEncodingContext,
        into buffer: inout [UInt8]
    ) {
        let facts = ActivityFacts(activity: activity, mapping: mapping)
        let url = facts.url.flatMap(URLParts.init)
        var json = JSONWriter(capacity: 0)
        swap(&json.bytes, &buffer)
        defer { swap(&json.bytes, &buffer) }

        json.bytes.appendStatic("{\"@timestamp\":\"")
        ByteFormatting.appendRFC3339(activity.createdAt, fraction: .exactly(3), into: &json.bytes)
        json.bytes.append(contentsOf: fragments.afterTimestamp)
        Self.writeMessage(mapping: mapping, facts: facts, into: &json)

        writeEvent(activity, mapping: mapping, facts: facts, context: context, into: &json)
        Self.writeUser(facts, into: &json)
        Self.writeSource(facts, into: &json)
        Self.writeOrganization(id: ActivityFacts.nonEmpty(activity.organizationID), facts: facts, into: &json)
        Self.writeRequest(facts, url: url, into: &json)
        Self.writeFile(facts, into: &json)
        Self.writeRelated(facts, urlDomain: url?.domain, into: &json)
        json.bytes.append(contentsOf: fragments.identification)
        if let source = context.sourceName {
            json.bytes.appendStatic(",\"labels\":{\"source\":\"")
            json.bytes.append(contentsOf: source.utf8)
            json.bytes.appendStatic(context.selfGenerated ? "\",\"self_generated\":\"true\"}" : "\"}")
        } else if context.selfGenerated {
            json.bytes.appendStatic(",\"labels\":{\"self_generated\":\"true\"}")
        }
        writeCustomNamespace(activity, facts: facts, into: &json)
        json.bytes.appendStatic("}")
    }

    /// `SSO login succeeded for alice@example.com`, `API key created by alice@example.com`: sign-ins
    /// read "for" the person, other actions "by" the actor.
    /// Written piece by piece, without a concatenated `String`.
    static func writeMessage(mapping: ActivityTypeMapping, facts: ActivityFacts, into json: inout JSONWriter) {
        guard let who = facts.actorDisplayName else {
            json.writeString(mapping.name)
            return
        }
        json.bytes.append(UInt8(ascii: "\""))
        json.writeStringContents(mapping.name)
        if isSignIn(mapping) {
            json.bytes.appendStatic(" for ")
        } else {
            json.bytes.appendStatic(" by ")
        }
        json.writeStringContents(who)
        json.bytes.append(UInt8(ascii: "\""))
    }

    private static func isSignIn(_ mapping: ActivityTypeMapping) -> Bool {
        mapping.categories.contains(.authentication) || mapping.categories.contains(.session)
    }

    private func writeEvent(
        _ activity: Activity,
        mapping: ActivityTypeMapping,
        facts: ActivityFacts,
        context: ActivityEncodingContext,
        into json: inout JSONWriter
    ) {
        json.bytes.appendStatic(",\"event\":{\"kind\":\"event\",\"category\":[")
        for (index, category) in mapping.categories.enumerated() {
            if index > 0 { json.bytes.appendStatic(",") }
            json.writeString(category.rawValue)
        }
        json.bytes.appendStatic("],\"type\":[")
        for (index, type) in mapping.types.enumerated() {
            if index > 0 { json.bytes.appendStatic(",") }
            json.writeString(type.rawValue)
        }
        json.bytes.appendStatic("],\"action\":")
        json.writeString(activity.type)
        json.bytes.appendStatic(",\"outcome\":")
        json.writeString(facts.outcome.rawValue)
        json.bytes.appendStatic(",\"id\":")
        json.writeString(activity.id)
        json.bytes.appendStatic(",\"created\":\"")
        ByteFormatting.appendRFC3339(context.readTime, fraction: .exactly(3), into: &json.bytes)
        json.bytes.append(contentsOf: fragments.afterCreated)
        ByteFormatting.appendDecimal(Int64(mapping.severity), into: &json.bytes)
        if let reason = facts.reason {
            json.bytes.appendStatic(",\"reason\":")
            json.writeString(reason)
        }
        if let recordHash = context.recordHash {
            json.bytes.appendStatic(",\"hash\":\"")
            recordHash.appendHex(to: &json.bytes)
            json.bytes.append(UInt8(ascii: "\""))
        }
        if configuration.includesOriginal {
            json.bytes.appendStatic(",\"original\":")
            activity.withRawJSONBytes { json.writeString(utf8: $0) }
        }
        json.bytes.appendStatic("}")
    }

    private static func writeIdentification(_ configuration: Configuration, into json: inout JSONWriter) {
        if let agent = configuration.agent {
            json.bytes.appendStatic(",\"agent\":{\"type\":")
            json.writeString(agent.type)
            if let name = agent.name, !name.isEmpty {
                json.bytes.appendStatic(",\"name\":")
                json.writeString(name)
            }
            json.bytes.appendStatic(",\"version\":")
            json.writeString(agent.version)
            json.bytes.appendStatic("}")
        }
        if let observer = configuration.observer {
            json.bytes.appendStatic(",\"observer\":{\"vendor\":")
            json.writeString(observer.vendor)
            json.bytes.appendStatic(",\"product\":")
            json.writeString(observer.product)
            json.bytes.appendStatic("}")
        }
    }
}
