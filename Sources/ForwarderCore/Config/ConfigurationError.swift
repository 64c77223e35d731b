/// A configuration that cannot be used, with every problem found in it.
///
/// The loader does not stop at the first mistake: fixing a file one error per run is slow, so
/// ``problems`` lists all of them, in file order where possible. The description is meant to be
/// printed as is (it never contains a secret value).
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every problem found; never empty when thrown by ``ConfigurationLoader``.
    public var problems: [ConfigurationProblem]
    /// The file that was read, when the configuration came from a file.
    public var file: String?

    /// - Parameters:
    ///   - problems: What is wrong.
    ///   - file: The configuration file's path, for the headline.
    public init(problems: [ConfigurationProblem], file: String? = nil) {
        self.problems = problems
        self.file = file
    }

    /// A headline and one indented line per problem.
    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        var text = file.map { "invalid configuration \($0): \(count)" } ?? "invalid configuration: \(count)"
        for problem in problems {
            text += "\n  - \(problem)"
        }
        return text
    }
}
