public import Foundation
import Yams

/// Reads a YAML configuration file into a ``ForwarderConfiguration`` and checks it, reporting
/// every problem at once.
///
/// ```swift
/// do {
///     let configuration = try ConfigurationLoader.load(path: "/etc/compliance-forwarder.yaml")
/// } catch {
///     print(error)  // every problem, each with its key path and line
/// }
/// ```
///
/// What loading does, in order:
/// 1. Parses YAML (duplicate keys are an error).
/// 2. Substitutes `${VAR}`, `${VAR:-default}` and `$$` in every value, from `environment`.
/// 3. Reads `*_file` secrets (one trailing line break removed).
/// 4. Converts and checks every key: unknown keys (with a "did you mean"), types, ranges,
///    enumerations, mutually exclusive and required keys, unique sink names, referenced
///    certificate files exist.
/// 5. Resolves relative paths against the directory containing the file.
public enum ConfigurationLoader {
    /// A configuration with the warnings found while loading it: things that work but are
    /// probably not what was meant (an unencrypted URL with credentials, verification off…).
    public struct Loaded: Sendable, Hashable {
        /// The checked configuration.
        public var configuration: ForwarderConfiguration
        /// Things that work but are probably not meant, in file order.
        public var warnings: [ConfigurationProblem]
    }

    /// Loads and checks the file at `path`.
    ///
    /// - Parameters:
    ///   - path: The YAML file; relative to the working directory. Relative paths inside it
    ///     are resolved against its directory.
    ///   - environment: Values for `${VAR}`; defaults to the process environment.
    /// - Throws: ``ConfigurationError`` with every problem found.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> ForwarderConfiguration {
        try loadWithWarnings(path: path, environment: environment).configuration
    }

    /// Loads and checks the file at `path`, keeping the warnings.
    ///
    /// - Throws: ``ConfigurationError`` with every problem found.
    public static func loadWithWarnings(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> Loaded {
        let absolute = PathResolver.resolve(path, against: FileManager.default.currentDirectoryPath)
        if let message = ConfigurationMapping.fileProblem(absolute) {
            throw ConfigurationError(problems: [ConfigurationProblem(path: "", message: message)], file: absolute)
        }
        guard let data = FileManager.default.contents(atPath: absolute) else {
            let problem = ConfigurationProblem(path: "", message: "file is not readable: \(absolute)")
            throw ConfigurationError(problems: [problem], file: absolute)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let problem = ConfigurationProblem(path: "", message: "the file is not UTF-8 text")
            throw ConfigurationError(problems: [problem], file: absolute)
        }
        return try loadWithWarnings(
            yaml: text,
            baseDirectory: PathResolver.parent(of: absolute),
            environment: environment,
            file: absolute
        )
    }

    /// Loads and checks configuration text.
    ///
    /// - Parameters:
    ///   - yaml: The document.
    ///   - baseDirectory: Where relative paths point; absolute.
    ///   - environment: Values for `${VAR}`.
    /// - Throws: ``ConfigurationError`` with every problem found.
    public static func load(
        yaml: String,
        baseDirectory: String,
        environment: [String: String]
    ) throws(ConfigurationError) -> ForwarderConfiguration {
        try loadWithWarnings(yaml: yaml, baseDirectory: baseDirectory, environment: environment).configuration
    }

    /// Loads and checks configuration text, keeping the warnings.
    ///
    /// - Parameter file: Named in the error's headline.
    /// - Throws: ``ConfigurationError`` with every problem found.
    public static func loadWithWarnings(
        yaml: String,
        baseDirectory: String,
        environment: [String: String],
        file: String? = nil
    ) throws(ConfigurationError) -> Loaded {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(problems: [problem(fromYAMLError: error, yaml: yaml)], file: file)
        }
        guard let root, !ConfigurationMapping.isNull(root) else {
            let problem = ConfigurationProblem(
                path: "",
                message: "the configuration is empty: source, checkpoint and sinks are required"
            )
            throw ConfigurationError(problems: [problem], file: file)
        }
        let diagnostics = ConfigurationDiagnostics()
        let context = ConfigurationMapping.Context(
            diagnostics: diagnostics,
            environment: environment,
            baseDirectory: baseDirectory
        )
        let configuration = read(root, context: context)
        guard diagnostics.problems.isEmpty, let configuration else {
            var problems = diagnostics.sortedProblems
            if problems.isEmpty {
                problems = [ConfigurationProblem(path: "", message: "the configuration could not be read")]
            }
            throw ConfigurationError(problems: problems, file: file)
        }
        return Loaded(configuration: configuration, warnings: diagnostics.sortedWarnings)
    }

    static let topLevelKeys = [
        "source", "sources", "checkpoint", "state", "dead_letter", "pipeline", "sinks", "server", "log",
    ]

    private static func read(_ node: Node, context: ConfigurationMapping.Context) -> ForwarderConfiguration? {
        guard let root = ConfigurationMapping(node, path: "", context: context, allowedKeys: topLevelKeys) else {
            return nil
        }
        // Every section is read even when an earlier one failed, so all problems are reported.
        let sources = readSources(root)
        let state = readState(root)
        let checkpoint = readCheckpoint(root, pathRequired: state.backend == .file)
        let deadLetter = readDeadLetter(root)
        let pipeline = readPipeline(root)
        let sinks = readSinks(root)
        let server = readServer(root)
        let log = readLog(root)
        guard let sources, let source = sources.first, let checkpoint, let sinks else { return nil }
        return ForwarderConfiguration(
            source: source,
            additionalSources: Array(sources.dropFirst()),
            checkpoint: checkpoint,
            state: state,
            deadLetter: deadLetter,
            pipeline: pipeline,
            sinks: sinks,
            server: server,
            log: log
        )
    }

    /// A problem for a YAML syntax error, with its line and without the offending text (which
    /// may hold a secret).
    static func problem(fromYAMLError error: any Error, yaml: String) -> ConfigurationProblem {
        guard let error = error as? YamlError else {
            return ConfigurationProblem(path: "", message: "invalid YAML")
        }
        func message(_ problem: String, _ context: YamlError.Context?) -> String {
            var text = "invalid YAML: \(problem)"
            if let context { text += " (\(context.text) at line \(context.mark.line))" }
            return text
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return ConfigurationProblem(path: "", message: message(problem, context), line: mark.line)
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in yaml.prefix(offset).filter { $0 == "\n" }.count + 1 }
            return ConfigurationProblem(path: "", message: "invalid YAML: \(problem)", line: line)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return ConfigurationProblem(
                path: "",
                message: "duplicate key \(keys) in one mapping: each key may appear once",
                line: context.mark.line
            )
        default:
            return ConfigurationProblem(path: "", message: "invalid YAML")
        }
    }
}
