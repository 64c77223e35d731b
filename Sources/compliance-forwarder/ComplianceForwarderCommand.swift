import ArgumentParser

@main
struct ComplianceForwarderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compliance-forwarder")
    func run() async throws {}
}
