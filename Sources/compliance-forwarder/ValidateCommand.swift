import ArgumentParser
import ForwarderCore
import Foundation

/// `compliance-forwarder validate --config F`: checks a configuration file without touching the
/// network, prints a short summary, and exits 78 (`EX_CONFIG`) listing every problem otherwise.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file offline and print what it would do.",
        discussion: """
            Reads the file, substitutes ${VARIABLES} from the environment, reads secret files, \
            and checks every key. Nothing is contacted over the network (use `check` for that). \
            Exits 0 when the file is valid, \(ForwarderExitCode.configurationInvalid) when it is not, \
            after listing every problem with its key path.
            """
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file.")
    var config: String

    @Flag(name: .long, help: "Treat warnings as problems (exit \(ForwarderExitCode.configurationInvalid)).")
    var strict = false

    func run() async throws {
        let loaded: ConfigurationLoader.Loaded
        do {
            loaded = try ConfigurationLoader.loadWithWarnings(path: config)
        } catch {
            printToStandardError(error.description)
            throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
        }
        print("configuration OK: \(config)")
        print(loaded.configuration.summary)
        if !loaded.warnings.isEmpty {
            var text = "\(loaded.warnings.count == 1 ? "1 warning" : "\(loaded.warnings.count) warnings"):"
            for warning in loaded.warnings {
                text += "\n  - \(warning)"
            }
            printToStandardError(text)
            if strict {
                throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
            }
        }
    }

    private func printToStandardError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
