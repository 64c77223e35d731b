import ComplianceAPI
import Synchronization

/// Whether the forwarder can do its work right now, for `/readyz`.
///
/// Ready means all of: the last request to the Compliance API returned a page (a 429 counts as
/// reachable: the budget recovers by itself), the checkpoint can be written (the file backend:
/// its directory is writable; both: the last write succeeded), and every sink reports itself
/// healthy (``SinkHealth``).
///
/// With the PostgreSQL backend a standby's work is to be able to take over: it is ready while it
/// reaches the database, and the pipeline checks apply to the leader only.
public final class Readiness: Sendable {
    private struct Running: Sendable {
        var checkpointers: [Checkpointer]
        var sinks: [(name: String, health: SinkHealth)]
    }

    /// Each source's name (`nil` for a single `source:`) and client.
    private let sources: [(name: String?, client: ComplianceClient)]
    private let checkpointDirectory: String?
    private let lease: LeaseStatus?
    private let running: Mutex<Running?>

    /// The file backend: one pipeline for the life of the process.
    ///
    /// - Parameters:
    ///   - sources: Each source's name (`nil` for a single `source:`) and client.
    ///   - checkpointers: Every source's checkpointer.
    ///   - checkpointPath: The checkpoint file; its directory must be writable.
    ///   - sinks: Each sink's name and health, in configuration order.
    public init(
        sources: [(name: String?, client: ComplianceClient)],
        checkpointers: [Checkpointer],
        checkpointPath: String,
        sinks: [(name: String, health: SinkHealth)]
    ) {
        self.sources = sources
        self.checkpointDirectory = WritableDirectory.parent(of: checkpointPath)
        self.lease = nil
        self.running = Mutex(Running(checkpointers: checkpointers, sinks: sinks))
    }

    /// One source, file backend.
    public convenience init(
        client: ComplianceClient,
        checkpointer: Checkpointer,
        checkpointPath: String,
        sinks: [(name: String, health: SinkHealth)]
    ) {
        self.init(
            sources: [(nil, client)],
            checkpointers: [checkpointer],
            checkpointPath: checkpointPath,
            sinks: sinks
        )
    }

    /// The PostgreSQL backend: a pipeline exists only while this replica leads
    /// (``attach(checkpointers:sinks:)``).
    public init(sources: [(name: String?, client: ComplianceClient)], lease: LeaseStatus) {
        self.sources = sources
        self.checkpointDirectory = nil
        self.lease = lease
        self.running = Mutex(nil)
    }

    /// The leader's pipeline started.
    func attach(checkpointers: [Checkpointer], sinks: [(name: String, health: SinkHealth)]) {
        running.withLock { $0 = Running(checkpointers: checkpointers, sinks: sinks) }
    }

    /// The leader's pipeline stopped.
    func detach() {
        running.withLock { $0 = nil }
    }

    /// One short line per unmet condition; empty when ready. Never holds a secret: API errors
    /// carry no key, and sink reasons are scrubbed by the sinks.
    public func problems() -> [String] {
        var problems: [String] = []
        if let lease {
            if let problem = lease.databaseProblem { problems.append("state: \(Self.shortened(problem))") }
            guard case .leader = lease.role else { return problems }
        }
        for (name, client) in sources {
            let label = name.map { "source \($0)" } ?? "source"
            let status = client.requestStatus
            if let failure = status.lastFailure, failure.code != .rateLimited {
                problems.append("\(label): last request failed: \(Self.shortened(failure.description))")
            } else if status.lastSuccess == nil, status.lastFailure == nil {
                problems.append("\(label): no request has succeeded yet")
            }
        }
        let running = running.withLock { $0 }
        if let checkpointDirectory, let reason = WritableDirectory.problem(checkpointDirectory) {
            problems.append("checkpoint: \(reason)")
        } else if let failure = running?.checkpointers.lazy.compactMap(\.writeFailure).first {
            problems.append("checkpoint: last write failed: \(Self.shortened(failure))")
        }
        for sink in running?.sinks ?? [] where !sink.health.isHealthy {
            problems.append("sink \(sink.name): \(Self.shortened(sink.health.reason ?? "unhealthy"))")
        }
        return problems
    }

    static func shortened(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
