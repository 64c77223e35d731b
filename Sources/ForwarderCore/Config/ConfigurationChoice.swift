/// A closed set of spellings for one configuration key (`format: ecs | cef | raw`).
///
/// Choices are enum-like structs rather than public enums (see STYLE §3): a new transport or
/// format can be added without breaking anyone's exhaustive `switch`. Compare with `==` or match
/// with `case .tls:` and keep a `default:` branch. ``Choice`` is the one implementation: a key's
/// choice is `Choice<Spellings>`, its values declared in an extension.
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

/// The value of one configuration key with a closed set of spellings.
///
/// `Spellings` tells the keys apart and lists what each accepts; the values are declared in an
/// extension, e.g. `Log.Level` is `Choice<Log.LevelSpellings>` with
/// `static var info: Self { Self("info") }`.
public struct Choice<Spellings: ChoiceSpellings>: ConfigurationChoice {
    public let name: String

    /// Only the configuration model declares values.
    init(_ name: String) { self.name = name }

    public static var allCases: [Self] { Spellings.allCases }
}

/// What one configuration key accepts: a caseless enum that lists its ``Choice``s.
public protocol ChoiceSpellings {
    /// Every accepted value, in the order the documentation lists them.
    static var allCases: [Choice<Self>] { get }
}
