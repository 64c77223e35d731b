import ArgumentParser
import ComplianceAPI

@main
struct ComplianceForwarderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance-forwarder",
        abstract: "Streams the Claude Compliance API activity feed to SIEMs, archives and HTTP endpoints.",
        version: ComplianceClient.version,
        subcommands: [
            RunCommand.self, BackfillCommand.self, DemoCommand.self, ValidateCommand.self, CheckCommand.self,
            HealthCommand.self, CheckpointCommand.self, ArchiveCommand.self,
            MappingsCommand.self,
            MockAPICommand.self, BenchmarkCommand.self,
        ]
    )

    /// ArgumentParser's own `main()`, with the allocator tuned before anything allocates much.
    static func main() async {
        AllocatorTuning.apply()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
