/// The ECS 9.4 categorization vocabulary the mapping table uses, and the category → type pairs ECS
/// allows.
///
/// Elastic's detection rules and dashboards filter on `event.category` and `event.type`; a pair ECS does
/// not list (for example `authentication` + `creation`) silently drops the event out of those views.
/// The table below is `expected_event_types` from `ecs_flat.yml` (ECS 9.4.0), so a test can prove every
/// row of ``ActivityMappingTable`` is valid.
public enum ECSCategorization {
    /// An `event.category` value.
    public struct Category: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The value as written to `event.category`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// Looks up a category by its ECS name; `nil` when ECS 9.4 does not define it.
        public init?(rawValue: String) {
            guard let known = Self.all.first(where: { $0.rawValue == rawValue }) else { return nil }
            self = known
        }

        public static let api = Category("api")
        public static let authentication = Category("authentication")
        public static let configuration = Category("configuration")
        public static let database = Category("database")
        public static let driver = Category("driver")
        public static let email = Category("email")
        public static let file = Category("file")
        public static let host = Category("host")
        public static let iam = Category("iam")
        public static let intrusionDetection = Category("intrusion_detection")
        public static let library = Category("library")
        public static let malware = Category("malware")
        public static let network = Category("network")
        public static let package = Category("package")
        public static let process = Category("process")
        public static let registry = Category("registry")
        public static let session = Category("session")
        public static let threat = Category("threat")
        public static let vulnerability = Category("vulnerability")
        public static let web = Category("web")

        /// Every category ECS 9.4 defines.
        public static let all: [Category] = [
            .api, .authentication, .configuration, .database, .driver, .email, .file, .host, .iam,
            .intrusionDetection, .library, .malware, .network, .package, .process, .registry, .session,
            .threat, .vulnerability, .web,
        ]

        public var description: String { rawValue }

        public static func < (lhs: Category, rhs: Category) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// An `event.type` value.
    public struct EventType: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The value as written to `event.type`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// Looks up a type by its ECS name; `nil` when ECS 9.4 does not define it.
        public init?(rawValue: String) {
            guard let known = Self.all.first(where: { $0.rawValue == rawValue }) else { return nil }
            self = known
        }

        public static let access = EventType("access")
        public static let admin = EventType("admin")
        public static let allowed = EventType("allowed")
        public static let change = EventType("change")
        public static let connection = EventType("connection")
        public static let creation = EventType("creation")
        public static let deletion = EventType("deletion")
        public static let denied = EventType("denied")
        public static let device = EventType("device")
        public static let end = EventType("end")
        public static let error = EventType("error")
        public static let group = EventType("group")
        public static let indicator = EventType("indicator")
        public static let info = EventType("info")
        public static let installation = EventType("installation")
        public static let `protocol` = EventType("protocol")
        public static let start = EventType("start")
        public static let user = EventType("user")

        /// Every type ECS 9.4 defines.
        public static let all: [EventType] = [
            .access, .admin, .allowed, .change, .connection, .creation, .deletion, .denied, .device, .end,
            .error, .group, .indicator, .info, .installation, .protocol, .start, .user,
        ]

        public var description: String { rawValue }

        public static func < (lhs: EventType, rhs: EventType) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// An `event.outcome` value.
    public struct Outcome: Sendable, Hashable, CustomStringConvertible {
        /// The value as written to `event.outcome` (and CEF `outcome`).
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        public static let success = Outcome("success")
        public static let failure = Outcome("failure")
        public static let unknown = Outcome("unknown")

        public var description: String { rawValue }
    }

    /// `expected_event_types` per category, verbatim from ECS 9.4.0 `ecs_flat.yml`.
    public static let allowedTypes: [Category: Set<EventType>] = [
        .api: [.access, .admin, .allowed, .change, .creation, .deletion, .denied, .end, .info, .start, .user],
        .authentication: [.start, .end, .info],
        .configuration: [.access, .change, .creation, .deletion, .info],
        .database: [.access, .change, .info, .error],
        .driver: [.change, .end, .info, .start],
        .email: [.info],
        .file: [.access, .change, .creation, .deletion, .info],
        .host: [.access, .change, .end, .info, .start],
        .iam: [.admin, .change, .creation, .deletion, .group, .info, .user],
        .intrusionDetection: [.allowed, .denied, .info],
        .library: [.start],
        .malware: [.info],
        .network: [.access, .allowed, .connection, .denied, .end, .info, .protocol, .start],
        .package: [.access, .change, .deletion, .info, .installation, .start],
        .process: [.access, .change, .end, .info, .start],
        .registry: [.access, .change, .creation, .deletion],
        .session: [.start, .end, .info],
        .threat: [.indicator],
        .vulnerability: [.info],
        .web: [.access, .error, .info],
    ]

    /// Whether ECS lists `type` as expected for `category`.
    public static func isAllowed(category: Category, type: EventType) -> Bool {
        allowedTypes[category]?.contains(type) ?? false
    }

    /// Whether a document with these categories and types is valid: both non-empty, and every
    /// category/type combination allowed (ECS requires each pair in a document to be listed).
    public static func isValid(categories: [Category], types: [EventType]) -> Bool {
        guard !categories.isEmpty, !types.isEmpty else { return false }
        return categories.allSatisfy { category in types.allSatisfy { isAllowed(category: category, type: $0) } }
    }
}
