import Yams

/// Typed values: each reader reports what is wrong with the value (never a secret) and returns
/// `nil` or the default, so reading carries on and every problem is collected.
extension ConfigurationMapping {
    /// The scalar at `key`, interpolated; `nil` when absent, or (reported) not a scalar or with
    /// a bad `${…}` reference.
    func scalar(_ key: String) -> ConfigurationScalar? {
        guard let node = node(key) else { return nil }
        return Self.scalar(node, path: child(key), context: context)
    }

    static func scalar(_ node: Node, path: String, context: Context) -> ConfigurationScalar? {
        guard let scalar = node.scalar else {
            context.diagnostics.error(path, "expected a single value, got \(kind(of: node))", line: node.mark?.line)
            return nil
        }
        switch EnvironmentInterpolation.expand(scalar.string, environment: context.environment) {
        case .success(let expansion):
            return ConfigurationScalar(
                text: expansion.text,
                substituted: expansion.substituted,
                path: path,
                line: scalar.mark?.line
            )
        case .failure(let issue):
            context.diagnostics.error(path, issue.message, line: scalar.mark?.line)
            return nil
        }
    }

    /// A non-empty string, or `nil` when absent (or reported as empty).
    func string(_ key: String) -> String? {
        guard let value = scalar(key) else { return nil }
        guard !value.text.isEmpty else {
            error(key, "must not be empty")
            return nil
        }
        return value.text
    }

    func string(_ key: String, default defaultValue: String) -> String {
        string(key) ?? defaultValue
    }

    func int(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = scalar(key) else { return nil }
        guard let number = Int(value.text.filter { $0 != "_" }), !value.text.hasPrefix("+") else {
            error(key, "expected a whole number, got \(value.quoted)")
            return nil
        }
        guard range.contains(number) else {
            error(key, Self.rangeMessage(range, got: number))
            return nil
        }
        return number
    }

    func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        int(key, range: range) ?? defaultValue
    }

    static func rangeMessage(_ range: ClosedRange<Int>, got number: Int) -> String {
        if range.upperBound == .max { return "must be at least \(range.lowerBound), got \(number)" }
        return "must be between \(range.lowerBound) and \(range.upperBound), got \(number)"
    }

    func double(_ key: String, default defaultValue: Double, range: Range<Double>) -> Double {
        guard let value = scalar(key) else { return defaultValue }
        guard let number = Double(value.text), number.isFinite else {
            error(key, "expected a number, got \(value.quoted)")
            return defaultValue
        }
        guard range.contains(number) else {
            error(key, "must be at least \(range.lowerBound) and less than \(range.upperBound), got \(number)")
            return defaultValue
        }
        return number
    }

    /// `true` or `false` (any case). YAML 1.1's `yes`/`no`/`on`/`off` are refused on purpose:
    /// `verify: no` should be written plainly.
    func bool(_ key: String) -> Bool? {
        guard let value = scalar(key) else { return nil }
        switch value.text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            error(key, "expected true or false, got \(value.quoted)")
            return nil
        }
    }

    func bool(_ key: String, default defaultValue: Bool) -> Bool {
        bool(key) ?? defaultValue
    }

    /// A duration with units; `minimum` is inclusive unless `positive` asks for more than zero.
    func duration(_ key: String, minimum: Duration = .zero, positive: Bool = false) -> Duration? {
        guard let value = scalar(key) else { return nil }
        switch ConfigurationSyntax.parseDuration(value.text) {
        case .success(let duration):
            if positive, duration <= .zero {
                error(key, "must be greater than 0")
                return nil
            }
            if duration < minimum {
                error(
                    key,
                    "must be at least \(ConfigurationSyntax.format(minimum)), got \(ConfigurationSyntax.format(duration))"
                )
                return nil
            }
            return duration
        case .failure(let issue):
            error(key, "\(issue.message), got \(value.quoted)")
            return nil
        }
    }

    func duration(
        _ key: String,
        default defaultValue: Duration,
        minimum: Duration = .zero,
        positive: Bool = false
    )
        -> Duration
    {
        duration(key, minimum: minimum, positive: positive) ?? defaultValue
    }

    /// A byte size: a plain number of bytes or a number with a unit.
    func size(_ key: String, minimum: Int = 1, maximum: Int = .max) -> Int? {
        guard let value = scalar(key) else { return nil }
        switch ConfigurationSyntax.parseByteSize(value.text) {
        case .success(let bytes):
            guard bytes >= minimum, bytes <= maximum else {
                let low = ConfigurationSyntax.format(bytes: minimum)
                let got = ConfigurationSyntax.format(bytes: bytes)
                let message =
                    maximum == .max
                    ? "must be at least \(low), got \(got)"
                    : "must be between \(low) and \(ConfigurationSyntax.format(bytes: maximum)), got \(got)"
                error(key, message)
                return nil
            }
            return bytes
        case .failure(let issue):
            error(key, "\(issue.message), got \(value.quoted)")
            return nil
        }
    }

    func size(_ key: String, default defaultValue: Int, minimum: Int = 1, maximum: Int = .max) -> Int {
        size(key, minimum: minimum, maximum: maximum) ?? defaultValue
    }

    /// One of a closed set of spellings, with a suggestion for near misses.
    func choice<Value: ConfigurationChoice>(_ key: String, as type: Value.Type = Value.self) -> Value? {
        guard let value = scalar(key) else { return nil }
        if let choice = Value(name: value.text) { return choice }
        let names = Value.allCases.map(\.name)
        let suggestion = value.substituted ? "" : Suggestion.didYouMean(value.text, in: names)
        error(key, "unknown value \(value.quoted); expected \(Value.spellings)\(suggestion)")
        return nil
    }

    func choice<Value: ConfigurationChoice>(_ key: String, default defaultValue: Value) -> Value {
        choice(key, as: Value.self) ?? defaultValue
    }

    /// A list of non-empty strings; a single value is accepted as a one-item list.
    func stringList(_ key: String) -> [String] {
        scalarList(key).map(\.text)
    }

    /// As ``stringList(_:)``, keeping where each value came from (for safe messages).
    func scalarList(_ key: String) -> [ConfigurationScalar] {
        guard let node = node(key) else { return [] }
        let items: [(node: Node, path: String)]
        if node.scalar != nil {
            items = [(node, child(key))]
        } else {
            guard let sequence = sequence(key) else { return [] }
            items = sequence
        }
        return items.compactMap { item in
            guard let value = Self.scalar(item.node, path: item.path, context: context) else { return nil }
            guard !value.text.isEmpty else {
                diagnostics.error(item.path, "must not be empty", line: value.line)
                return nil
            }
            return value
        }
    }

    /// A mapping of names to scalar values (`headers`), in file order.
    func stringMap(_ key: String) -> [(name: String, value: ConfigurationScalar)] {
        guard let node = node(key) else { return [] }
        guard let mapping = node.mapping else {
            error(key, "expected a mapping of names to values, got \(Self.kind(of: node))")
            return []
        }
        return mapping.compactMap { entry in
            guard let name = entry.key.scalar?.string, !name.isEmpty else {
                diagnostics.error(child(key), "names must be non-empty text", line: entry.key.mark?.line)
                return nil
            }
            let path = Self.child(child(key), name)
            guard let value = Self.scalar(entry.value, path: path, context: context) else { return nil }
            return (name, value)
        }
    }
}
