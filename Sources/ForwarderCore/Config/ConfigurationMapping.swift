import Yams

/// A reader over one YAML mapping of the configuration file that knows its key path, checks its
/// keys against an allow-list, and reports every problem to the shared diagnostics instead of
/// stopping.
///
/// Absent keys and explicit nulls (`key:`, `key: null`, `key: ~`) both mean "use the default".
/// YAML merge keys (`<<: *defaults`) are honoured, so sinks can share a `tls` block.
struct ConfigurationMapping {
    /// The shared state of one load.
    struct Context {
        var diagnostics: ConfigurationDiagnostics
        var environment: [String: String]
        /// Relative paths are resolved against this directory: the configuration file's.
        var baseDirectory: String
    }

    let path: String
    let line: Int?
    let context: Context
    private var entries: [String: (key: Node, value: Node)] = [:]

    var diagnostics: ConfigurationDiagnostics { context.diagnostics }

    /// Reads `node` as a mapping; `nil` (after reporting) when it is not one. A null node is an
    /// empty mapping.
    ///
    /// - Parameters:
    ///   - allowedKeys: Every key this mapping may have; others are reported with a suggestion.
    ///   - foreignKeys: Keys that are valid elsewhere (another sink type), with an explanation
    ///     to report instead of "unknown".
    init?(
        _ node: Node,
        path: String,
        context: Context,
        allowedKeys: [String],
        foreignKeys: [String: String] = [:]
    ) {
        self.path = path
        self.line = node.mark?.line
        self.context = context
        if Self.isNull(node) { return }
        guard let mapping = node.mapping else {
            context.diagnostics.error(
                path,
                "expected a mapping of keys to values, got \(Self.kind(of: node))",
                line: line
            )
            return nil
        }
        var merged: [(key: Node, value: Node)] = []
        for (key, value) in mapping {
            if key.scalar?.string == "<<" {
                merged += Self.mergeEntries(value, path: path, diagnostics: context.diagnostics)
                continue
            }
            guard let name = key.scalar?.string else {
                context.diagnostics.error(
                    path,
                    "keys must be plain names, got \(Self.kind(of: key))",
                    line: key.mark?.line
                )
                continue
            }
            entries[name] = (key, value)
        }
        for (key, value) in merged {
            if let name = key.scalar?.string, entries[name] == nil {
                entries[name] = (key, value)
            }
        }
        for (name, entry) in entries.sorted(by: { ($0.value.key.mark?.line ?? 0) < ($1.value.key.mark?.line ?? 0) })
        where !allowedKeys.contains(name) {
            let keyPath = Self.child(path, name)
            let keyLine = entry.key.mark?.line
            if let explanation = foreignKeys[name] {
                context.diagnostics.error(keyPath, explanation, line: keyLine)
            } else {
                let suggestion = Suggestion.closest(to: name, in: allowedKeys)
                let hint =
                    suggestion.map { " (did you mean '\($0)'?)" }
                    ?? "; expected one of: \(allowedKeys.joined(separator: ", "))"
                context.diagnostics.error(keyPath, "unknown key '\(name)'\(hint)", line: keyLine)
            }
        }
        // Unknown keys stay out of the lookups, so nothing reads them by accident.
        entries = entries.filter { allowedKeys.contains($0.key) }
    }

    private static func mergeEntries(
        _ value: Node,
        path: String,
        diagnostics: ConfigurationDiagnostics
    ) -> [(
        key: Node, value: Node
    )] {
        if let mapping = value.mapping { return Array(mapping) }
        if let sequence = value.sequence {
            return sequence.compactMap(\.mapping).flatMap { Array($0) }
        }
        diagnostics.error(path, "a merge key (<<) needs a mapping or a list of mappings", line: value.mark?.line)
        return []
    }

    // MARK: Structure

    /// `a.b` or `b` at the root.
    static func child(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func child(_ key: String) -> String { Self.child(path, key) }

    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar: "a single value"
        case .alias: "an alias"
        }
    }

    /// The value node for `key`, or `nil` when absent or null.
    func node(_ key: String) -> Node? {
        guard let value = entries[key]?.value, !Self.isNull(value) else { return nil }
        return value
    }

    /// Whether `key` has a non-null value.
    func has(_ key: String) -> Bool { node(key) != nil }

    /// The line of `key`'s value, or of this mapping when absent.
    func line(of key: String) -> Int? {
        entries[key]?.value.mark?.line ?? entries[key]?.key.mark?.line ?? line
    }

    func error(_ key: String, _ message: String) {
        diagnostics.error(child(key), message, line: line(of: key))
    }

    func warning(_ key: String, _ message: String) {
        diagnostics.warning(child(key), message, line: line(of: key))
    }

    /// Reports that a required key is missing.
    func missing(_ key: String, _ hint: String = "") {
        diagnostics.error(child(key), "required" + (hint.isEmpty ? "" : ": \(hint)"), line: line)
    }

    /// The nested mapping at `key`, or `nil` when absent, null or not a mapping (reported).
    func mapping(_ key: String, allowedKeys: [String], foreignKeys: [String: String] = [:]) -> ConfigurationMapping? {
        guard let node = node(key) else { return nil }
        return ConfigurationMapping(
            node,
            path: child(key),
            context: context,
            allowedKeys: allowedKeys,
            foreignKeys: foreignKeys
        )
    }

    /// The items of the list at `key` with their paths (`sinks[0]`), or `nil` when absent.
    func sequence(_ key: String) -> [(node: Node, path: String)]? {
        guard let node = node(key) else { return nil }
        guard let sequence = node.sequence else {
            error(key, "expected a list, got \(Self.kind(of: node))")
            return nil
        }
        return sequence.enumerated().map { ($0.element, "\(child(key))[\($0.offset)]") }
    }

    // MARK: Scalars

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
    func choice<Choice: ConfigurationChoice>(_ key: String, as type: Choice.Type = Choice.self) -> Choice? {
        guard let value = scalar(key) else { return nil }
        if let choice = Choice(name: value.text) { return choice }
        let names = Choice.allCases.map(\.name)
        let suggestion = value.substituted ? "" : Suggestion.didYouMean(value.text, in: names)
        error(key, "unknown value \(value.quoted); expected \(Choice.spellings)\(suggestion)")
        return nil
    }

    func choice<Choice: ConfigurationChoice>(_ key: String, default defaultValue: Choice) -> Choice {
        choice(key, as: Choice.self) ?? defaultValue
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
