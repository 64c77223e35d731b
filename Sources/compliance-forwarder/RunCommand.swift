import ArgumentParser
import Forwarder
import ForwarderCore
import Logging
import ServiceLifecycle

/// `compliance-forwarder run --config F`: follow the feed until SIGTERM/SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Forward the activity feed to the configured sinks until stopped (SIGTERM/SIGINT drain and exit 0).",
        discussion: """
            Serves /metrics, /healthz and /readyz on server.listen (default 127.0.0.1:9464). SIGHUP rotates the \
            file sinks' and dead-letter files and reloads a changed Compliance API key (api_key_file); other \
            configuration changes need a restart. See docs/operations.md.
            """
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file.") var config: String

    func run() async throws {
        let configuration = try CommandSupport.loadConfiguration(config)
        LoggingSetup.bootstrap(level: configuration.log.level.name, format: configuration.log.format.name)
        let logger = Logger(label: "compliance-forwarder")
        _ = ObservabilitySetup.registry
        try await CommandSupport.withExitCodes {
            let parts = try ForwarderRuntime.makeProcess(configuration: configuration, logger: logger)
            let reload = HangupReload(configurationPath: config, running: configuration, parts: parts, logger: logger)
            let hangup = await HangupService.make { _ = reload.perform() }
            let services = try await ObservabilitySetup.services(
                configuration: configuration,
                readiness: parts.readiness,
                main: parts.service,
                extra: [hangup],
                logger: logger
            )
            let group = ServiceGroup.forwarder(
                services: services,
                grace: configuration.pipeline.shutdownGrace,
                logger: logger
            )
            try await group.run()
        }
    }
}

extension ServiceGroup {
    /// The forwarder's group: SIGTERM and SIGINT drain it, and a drain that takes longer than
    /// `grace` turns into cancellation (the checkpoint stays safe).
    static func forwarder(
        services: [ServiceGroupConfiguration.ServiceConfiguration],
        grace: Duration,
        logger: Logger
    ) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = grace
        return ServiceGroup(configuration: configuration)
    }
}
