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
        var checkpointer: Checkpointer
        var sinks: [(name: String, health: SinkHealth)]
    }

    private let client: ComplianceClient
    private let checkpointDirectory: String?
    private let lease: LeaseStatus?
    private let running: Mutex<Running?>

    /// The file backend: one pipeline for the life of the process.
    ///
    /// - Parameters:
    ///   - checkpointPath: The checkpoint file; its directory must be writable.
    ///   - sinks: Each sink's name and health, in configuration order.
    public init(
        client: ComplianceClient,
        checkpointer: Checkpointer,
        checkpointPath: String,
        sinks: [(name: String, health: SinkHealth)]
    ) {
        self.client = client
        self.checkpointDirectory = WritableDirectory.parent(of: checkpointPath)
        self.lease = nil
        self.running = Mutex(Running(checkpointer: checkpointer, sinks: sinks))
    }

    /// The PostgreSQL backend: a pipeline exists only while this replica leads
    /// (``attach(checkpointer:sinks:)``).
    public init(client: ComplianceClient, lease: LeaseStatus) {
        self.client = client
        self.checkpointDirectory = nil
        self.lease = lease
        self.running = Mutex(nil)
    }

    /// The leader's pipeline started.
    func attach(checkpointer: Checkpointer, sinks: [(name: String, health: SinkHealth)]) {
        running.withLock { $0 = Running(checkpointer: checkpointer, sinks: sinks) }
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
        let status = client.requestStatus
        if let failure = status.lastFailure, failure.code != .rateLimited {
            problems.append("source: last request failed: \(Self.shortened(failure.description))")
        } else if status.lastSuccess == nil, status.lastFailure == nil {
            problems.append("source: no request has succeeded yet")
        }
        let running = running.withLock { $0 }
        if let checkpointDirectory, let reason = WritableDirectory.problem(checkpointDirectory) {
            problems.append("checkpoint: \(reason)")
        } else if let failure = running?.checkpointer.writeFailure {
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
