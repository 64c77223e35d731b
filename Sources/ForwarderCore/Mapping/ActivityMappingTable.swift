/// The activity-type catalogue: one reviewed ``ActivityTypeMapping`` per documented activity type.
///
/// The rows live in `ActivityMappingTable+Rows.swift`, one line per type, written and reviewed by
/// hand (ECS categorization per `formats.md` §2.2–2.4, severity per ``ActivityTypeMapping/severity``).
/// A type not in the table gets ``ActivityTypeMapping/fallback(for:)`` (read from its name) and passes
/// through unchanged; the poller counts such activities in
/// `compliance_forwarder_unknown_activity_types_total` (using ``isKnown(_:)``).
///
/// ```swift
/// let mapping = ActivityMappingTable.mapping(for: activity.type)
/// ```
public enum ActivityMappingTable {
    /// Every documented activity type (483 in the 2026-09-04 API reference), sorted.
    public static let knownTypes: [String] = rows.keys.sorted()

    private static let index = ActivityTypeIndex(rows)

    /// Whether the table has an explicit row for `type`.
    public static func isKnown(_ type: String) -> Bool {
        index.position(of: type) != nil
    }

    /// The explicit row for `type`, or `nil` when the table does not know it.
    public static func explicitMapping(for type: String) -> ActivityTypeMapping? {
        index.mapping(for: type)
    }

    /// The row for `type`, or the row read from its name when the table does not know it.
    public static func mapping(for type: String) -> ActivityTypeMapping {
        index.mapping(for: type) ?? .fallback(for: type)
    }
}
