import ArgumentParser

@main
struct ComplianceForwarderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance-forwarder",
        abstract: "Streams the Claude Compliance API activity feed to SIEMs, archives and HTTP endpoints.",
        subcommands: [ValidateCommand.self]
    )
}
