/// One of a closed set of spellings for one configuration key (`format: ecs | cef | raw`).
///
/// Choices are enum-like structs rather than public enums (see STYLE §3): a new transport or
/// format can be added without breaking anyone's exhaustive `switch`. Compare with `==` or match
/// with `case .tls:` and keep a `default:` branch.
///
/// Every key's choice is this one type: `Spellings` tells the keys apart and lists what each
/// accepts, and the values are declared in an extension, e.g. `Log.Level` is
/// `ConfigurationChoice<Log.LevelSpellings>` with `static var info: Self { Self("info") }`.
public struct ConfigurationChoice<Spellings: ChoiceSpellings>: Sendable, Hashable, CustomStringConvertible {
    /// The spelling used in the configuration file.
    public let name: String

    /// Only the configuration model declares values.
    init(_ name: String) { self.name = name }

    /// The choice spelled `name` (exact, case-sensitive), or `nil`.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// Every accepted value, in the order the documentation lists them.
    public static var allCases: [Self] { Spellings.allCases }

    public var description: String { name }

    /// `ecs | cef | raw`: for messages and docs.
    static var spellings: String { allCases.map(\.name).joined(separator: " | ") }
}

/// What one configuration key accepts: a caseless enum that lists its ``ConfigurationChoice``s.
public protocol ChoiceSpellings {
    /// Every accepted value, in the order the documentation lists them.
    static var allCases: [ConfigurationChoice<Self>] { get }
}
