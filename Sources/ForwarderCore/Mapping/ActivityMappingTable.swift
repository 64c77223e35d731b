/// The activity-type catalogue: one reviewed ``ActivityTypeMapping`` per documented activity type.
///
/// The rows live in `ActivityMappingTable+Rows.swift`, one line per type, written and reviewed by
/// hand (ECS categorization per `formats.md` §2.2–2.4, severity per ``ActivityTypeMapping/severity``).
/// A type not in the table gets ``ActivityTypeMapping/fallback(for:)`` and passes through unchanged.
///
/// ```swift
/// let mapping = ActivityMappingTable.mapping(for: activity.type, countingUnknownIn: .shared)
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

    /// The row for `type`, or the fallback row when the table does not know it. Counts nothing: use
    /// ``mapping(for:countingUnknownIn:)`` once per activity in the pipeline.
    public static func mapping(for type: String) -> ActivityTypeMapping {
        index.mapping(for: type) ?? .fallback(for: type)
    }

    /// The row for `type`; when the table does not know it, counts it in `counter` and returns the
    /// fallback row.
    ///
    /// Call this once per activity (not once per sink), so the count is the number of activities.
    public static func mapping(for type: String, countingUnknownIn counter: UnknownActivityTypes) -> ActivityTypeMapping
    {
        if let row = index.mapping(for: type) { return row }
        counter.record(type)
        return .fallback(for: type)
    }
}
