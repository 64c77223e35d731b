/// The `order` query parameter: sort by `created_at`, ties broken by activity id.
public struct SortOrder: Sendable, Hashable, CustomStringConvertible {
    /// The wire value.
    public let rawValue: String

    private init(rawValue: String) { self.rawValue = rawValue }

    /// Oldest first; `afterID` moves toward the present.
    public static let ascending = SortOrder(rawValue: "asc")
    /// Newest first (the API's default); `afterID` moves into the past.
    public static let descending = SortOrder(rawValue: "desc")

    public var description: String { rawValue }
}
