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
}
