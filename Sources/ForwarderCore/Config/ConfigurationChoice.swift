/// A closed set of spellings for one configuration key (`format: ecs | cef | raw`).
///
/// Choices are enum-like structs rather than public enums (see STYLE §3): a new transport or
/// format can be added without breaking anyone's exhaustive `switch`. Compare with `==` or match
/// with `case .tls:` and keep a `default:` branch.
public protocol ConfigurationChoice: Sendable, Hashable, CustomStringConvertible {
    /// Every accepted value, in the order the documentation lists them.
    static var allCases: [Self] { get }
    /// The spelling used in the configuration file.
    var name: String { get }
}

extension ConfigurationChoice {
    /// The choice spelled `name` (exact, case-sensitive), or `nil`.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public var description: String { name }

    /// `ecs | cef | raw`: for messages and docs.
    static var spellings: String { allCases.map(\.name).joined(separator: " | ") }
}
