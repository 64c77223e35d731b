/// Bounds on `created_at`: `created_at.gte`, `.gt`, `.lte` and `.lt` on the wire.
public struct CreatedAtFilter: Sendable, Hashable {
    /// Inclusive lower bound.
    public var gte: RFC3339Timestamp?
    /// Exclusive lower bound.
    public var gt: RFC3339Timestamp?
    /// Inclusive upper bound.
    public var lte: RFC3339Timestamp?
    /// Exclusive upper bound.
    public var lt: RFC3339Timestamp?

    public init(
        gte: RFC3339Timestamp? = nil,
        gt: RFC3339Timestamp? = nil,
        lte: RFC3339Timestamp? = nil,
        lt: RFC3339Timestamp? = nil
    ) {
        self.gte = gte
        self.gt = gt
        self.lte = lte
        self.lt = lt
    }

    /// No bounds.
    public static let any = CreatedAtFilter()
}
