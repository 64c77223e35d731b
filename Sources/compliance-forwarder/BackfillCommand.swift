import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        try await CommandSupport.withExitCodes {
            let parts = try ForwarderRuntime.make(
                configuration: configuration,
                mode: .backfill(since: sinceTime, until: untilTime),
                checkpointPath: configuration.checkpoint.path + ".backfill-" + rangeKey,
                logger: logger,
                onProgress: { fetched, newest in progress.update(fetched: fetched, newest: newest) }
            )
            let services = try await ObservabilitySetup.services(
                configuration: configuration,
                parts: parts,
                serverRequired: false,
                logger: logger
            )
            let group = ServiceGroup(
                configuration: .init(
                    services: services,
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                ).withGrace(configuration.pipeline.shutdownGrace)
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { await progress.display(logger: logger) }
                try await group.run()
                tasks.cancelAll()
            }
            progress.finish()
        }
    }
}

/// Progress of a backfill: a bar with events/s and ETA on a terminal, log lines otherwise.
final class BackfillProgress: Sendable {
    private let since: RFC3339Timestamp
    private let until: RFC3339Timestamp
    private let started = ContinuousClock.now
    private let state = Mutex<(fetched: Int, newest: RFC3339Timestamp?)>((0, nil))
    private let isTerminal = isatty(STDOUT_FILENO) != 0

    init(since: RFC3339Timestamp, until: RFC3339Timestamp) {
        self.since = since
        self.until = until
    }

    func update(fetched: Int, newest: RFC3339Timestamp?) {
        state.withLock { state in
            state.fetched = fetched
            if let newest, newest > (state.newest ?? newest) || state.newest == nil { state.newest = newest }
        }
    }

    func display(logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: isTerminal ? .milliseconds(500) : .seconds(10))
            if Task.isCancelled { return }
            let line = render()
            if isTerminal {
                // Written straight to the descriptor: `print` buffers a line without a newline.
                let bytes = Array(("\r\u{1B}[K" + line).utf8)
                _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            } else {
                logger.info("backfill progress", metadata: ["progress": "\(line)"])
            }
        }
    }

    func finish() {
        if isTerminal { print("\r\u{1B}[K" + render()) }
    }

    func render() -> String {
        let (fetched, newest) = state.withLock { ($0.fetched, $0.newest) }
        let elapsed = max((ContinuousClock.now - started).secondsValue, 0.001)
        let rate = Double(fetched) / elapsed
        let span = max(until.duration(since: since).secondsValue, 1)
        let done = newest.map { min(max($0.duration(since: since).secondsValue / span, 0), 1) } ?? 0
        let width = 30
        let filled = Int(done * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        var eta = "--:--:--"
        if done > 0.001 {
            let remaining = Int(elapsed * (1 - done) / done)
            eta = String(format: "%02d:%02d:%02d", remaining / 3600, remaining / 60 % 60, remaining % 60)
        }
        return "[\(bar)] \(Int(done * 100))%  \(fetched) events  \(Int(rate)) events/s  ETA \(eta)"
    }
}

extension Duration {
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
