import Forwarder
import ForwarderCore
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The Prometheus registry and the services `run` and `backfill` add beside the pipeline.
enum ObservabilitySetup {
    /// The process's registry. The first use bootstraps `MetricsSystem` with it (which may
    /// happen only once per process), so touch it before any metric is created.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The services, in start order: the observability server (when `server.enabled`), `extra`,
    /// then `main` (the pipeline). A graceful shutdown stops them in reverse order, so the pipeline
    /// drains first and `/metrics` stays up meanwhile.
    ///
    /// - Parameter serverRequired: Whether an address that cannot be bound stops the command
    ///   (`run`), or only logs a warning (`backfill`, typically started beside a running `run`
    ///   that holds the port).
    static func services(
        configuration: ForwarderConfiguration,
        readiness: Readiness,
        main: any Service,
        extra: [any Service] = [],
        serverRequired: Bool = true,
        logger: Logger
    ) async throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.server.isEnabled {
            do {
                let server = try await HealthServer.bind(
                    listen: configuration.server.listen,
                    registry: registry,
                    readiness: readiness,
                    logger: logger
                )
                services.append(.init(service: server))
            } catch let error as HealthServerError where !serverRequired {
                logger.warning("continuing without the observability server", metadata: ["error": "\(error)"])
            }
        }
        services += extra.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        services.append(.init(service: main, successTerminationBehavior: .gracefullyShutdownGroup))
        return services
    }
}
