/// Collects problems and warnings while a configuration is read, so that every mistake in a
/// file is reported in one run.
///
/// A reference type because many readers (one per mapping) report into the same list; it lives
/// only for one synchronous load and never crosses a concurrency boundary.
final class ConfigurationDiagnostics {
    private(set) var problems: [ConfigurationProblem] = []
    private(set) var warnings: [ConfigurationProblem] = []

    func error(_ path: String, _ message: String, line: Int?) {
        problems.append(ConfigurationProblem(path: path, message: message, line: line))
    }

    func warning(_ path: String, _ message: String, line: Int?) {
        warnings.append(ConfigurationProblem(path: path, message: message, line: line))
    }

    /// Problems ordered by line, then as found: the order a reader fixes them in.
    var sortedProblems: [ConfigurationProblem] { Self.sorted(problems) }
    var sortedWarnings: [ConfigurationProblem] { Self.sorted(warnings) }

    private static func sorted(_ list: [ConfigurationProblem]) -> [ConfigurationProblem] {
        list.enumerated()
            .sorted { lhs, rhs in
                let left = lhs.element.line ?? .max
                let right = rhs.element.line ?? .max
                return left != right ? left < right : lhs.offset < rhs.offset
            }
            .map(\.element)
    }
}
