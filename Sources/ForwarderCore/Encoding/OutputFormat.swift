/// The line format a sink writes: ECS JSON, CEF, or the original record.
///
/// An enum-like struct (not an enum) so formats can be added without breaking anyone's `switch`.
public struct OutputFormat: Sendable, Hashable, CustomStringConvertible {
    private enum Backing: String, Sendable, Hashable {
        case ecs, cef, raw
    }

    private let backing: Backing

    private init(_ backing: Backing) { self.backing = backing }

    /// One ECS 9.4 JSON document per activity (``ECSEncoder``).
    public static let ecs = OutputFormat(.ecs)
    /// One ArcSight CEF record per activity (``CEFEncoder``).
    public static let cef = OutputFormat(.cef)
    /// The activity's original JSON, byte for byte except line breaks between tokens.
    public static let raw = OutputFormat(.raw)

    /// Every format, in documentation order.
    public static let allCases: [OutputFormat] = [.ecs, .cef, .raw]

    /// The configuration spelling: `ecs`, `cef` or `raw`.
    public var rawValue: String { backing.rawValue }

    /// Parses the configuration spelling (case-insensitive); `nil` for anything else.
    public init?(rawValue: String) {
        guard let backing = Backing(rawValue: rawValue.lowercased()) else { return nil }
        self.backing = backing
    }

    /// Whether lines of this format are JSON (for `Content-Type` and NDJSON framing decisions).
    public var isJSON: Bool { backing != .cef }

    public var description: String { rawValue }
}
