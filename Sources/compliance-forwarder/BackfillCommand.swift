import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Logging
import ServiceLifecycle

/// `compliance-forwarder backfill --config F --since T [--until T]`: read one range and stop.
///
/// A backfill keeps its own checkpoint (`<checkpoint.path>.backfill-<range hash>`), so it never
/// moves the live cursor and an interrupted backfill of the same range resumes where it stopped.
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Deliver the activities of one time range to the configured sinks, then exit."
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file.") var config: String
    @Option(help: "Start of the range (RFC 3339, inclusive), e.g. 2026-01-01T00:00:00Z.") var since: String
    @Option(help: "End of the range (RFC 3339, exclusive); default: open-ended, up to now.") var until: String?

    func validate() throws {
        guard RFC3339Timestamp(since) != nil else { throw ValidationError("--since is not an RFC 3339 time: \(since)") }
        if let until, RFC3339Timestamp(until) == nil {
            throw ValidationError("--until is not an RFC 3339 time: \(until)")
        }
    }

    func run() async throws {
        let configuration = try CommandSupport.loadConfiguration(config)
        LoggingSetup.bootstrap(level: configuration.log.level.name, format: configuration.log.format.name)
        let logger = Logger(label: "compliance-forwarder")
        _ = ObservabilitySetup.registry
        guard let sinceTime = RFC3339Timestamp(since) else { throw ExitCode.validationFailure }
        let untilTime = until.flatMap { RFC3339Timestamp($0) }
        let rangeKey = String(
            CRC32.checksum(Array("\(sinceTime.wireText)|\(untilTime?.wireText ?? "")".utf8)),
            radix: 16
        )
        let progress = BackfillProgress(since: sinceTime, until: untilTime ?? .now)
        let checkpointPath = configuration.checkpoint.path + ".backfill-" + rangeKey
        try await CommandSupport.withExitCodes {
            let parts = try ForwarderRuntime.make(
                configuration: configuration,
                mode: .backfill(since: sinceTime, until: untilTime),
                checkpointPath: checkpointPath,
                logger: logger,
                onProgress: { fetched, oldest, newest in
                    progress.update(fetched: fetched, oldest: oldest, newest: newest)
                }
            )
            let services = try await ObservabilitySetup.services(
                configuration: configuration,
                readiness: parts.readiness,
                main: parts.pipeline,
                serverRequired: false,
                logger: logger
            )
            let group = ServiceGroup.forwarder(
                services: services,
                grace: configuration.pipeline.shutdownGrace,
                logger: logger
            )
            do {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { await progress.display(logger: logger) }
                    try await group.run()
                    tasks.cancelAll()
                }
            } catch {
                progress.abandon()
                throw error
            }
            let firstSource = ForwarderConfiguration.Checkpoint(path: checkpointPath).path(for: configuration.source)
            let cursor = (try? CheckpointStore(path: firstSource).load())?.cursor
            let metrics = ObservabilitySetup.registry.emitToString()
            progress.finish(BackfillSummary(metricsText: metrics, cursor: cursor), logger: logger)
        }
    }
}
