/// What kind of failure a ``ForwarderError`` is: a stable name to compare with `==`.
///
/// An enum-like struct rather than an enum, so a new code can be added without breaking anyone's
/// exhaustive `switch`. `Domain` keeps the sets apart: an HTTP sink code never compares equal to a
/// file code. Each domain declares its codes in an extension, e.g.
/// `extension HTTPSinkError.Code { public static var transport: Self { Self("transport") } }`.
public struct ErrorCode<Domain>: Sendable, Hashable, CustomStringConvertible {
    /// The spelling in logs and health reasons, e.g. `rate_limited`.
    public let name: String

    /// Only this package defines codes: callers compare with the domain's named codes.
    package init(_ name: String) { self.name = name }

    public var description: String { name }
}
