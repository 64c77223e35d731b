import ArgumentParser
import ComplianceAPI

@main
struct ComplianceForwarderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance-forwarder",
        abstract: "Streams the Claude Compliance API activity feed to SIEMs, archives and HTTP endpoints.",
        version: ComplianceClient.version,
        subcommands: [DemoCommand.self, ValidateCommand.self, MockAPICommand.self, BenchmarkCommand.self]
    )
}
