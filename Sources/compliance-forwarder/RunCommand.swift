import ArgumentParser
import Forwarder
import ForwarderCore
import Logging
import ServiceLifecycle

/// `compliance-forwarder run --config F`: follow the feed until SIGTERM/SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Forward the activity feed to the configured sinks until stopped (SIGTERM/SIGINT drain and exit 0)."
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file.") var config: String

    func run() async throws {
        let configuration = try CommandSupport.loadConfiguration(config)
        LoggingSetup.bootstrap(level: configuration.log.level.name, format: configuration.log.format.name)
        let logger = Logger(label: "compliance-forwarder")
        try await CommandSupport.withExitCodes {
            let parts = try ForwarderRuntime.make(configuration: configuration, logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: parts.pipeline, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                ).withGrace(configuration.pipeline.shutdownGrace)
            )
            try await group.run()
        }
    }
}

extension ServiceGroupConfiguration {
    /// Turns a drain that takes longer than `grace` into cancellation (the checkpoint stays safe).
    func withGrace(_ grace: Duration) -> ServiceGroupConfiguration {
        var configuration = self
        configuration.maximumGracefulShutdownDuration = grace
        return configuration
    }
}
