import ComplianceAPI

/// Whether the forwarder can do its work right now, for `/readyz`.
///
/// Ready means all of: the last request to the Compliance API returned a page (a 429 counts as
/// reachable: the budget recovers by itself), the checkpoint directory is writable and the last
/// checkpoint write succeeded, and every sink reports itself healthy (``SinkHealth``).
public final class Readiness: Sendable {
    private let client: ComplianceClient
    private let checkpointer: Checkpointer
    private let checkpointDirectory: String
    private let sinks: [(name: String, health: SinkHealth)]

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
        self.checkpointer = checkpointer
        self.checkpointDirectory = WritableDirectory.parent(of: checkpointPath)
        self.sinks = sinks
    }

    /// One short line per unmet condition; empty when ready. Never holds a secret: API errors
    /// carry no key, and sink reasons are scrubbed by the sinks.
    public func problems() -> [String] {
        var problems: [String] = []
        let status = client.requestStatus
        if let failure = status.lastFailure, failure.code != .rateLimited {
            problems.append("source: last request failed: \(Self.shortened(failure.description))")
        } else if status.lastSuccess == nil, status.lastFailure == nil {
            problems.append("source: no request has succeeded yet")
        }
        if let reason = WritableDirectory.problem(checkpointDirectory) {
            problems.append("checkpoint: \(reason)")
        } else if let failure = checkpointer.writeFailure {
            problems.append("checkpoint: last write failed: \(Self.shortened(failure))")
        }
        for sink in sinks where !sink.health.isHealthy {
            problems.append("sink \(sink.name): \(Self.shortened(sink.health.reason ?? "unhealthy"))")
        }
        return problems
    }

    static func shortened(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }
}
