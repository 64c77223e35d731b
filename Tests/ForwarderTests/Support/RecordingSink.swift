import ComplianceAPI
import Forwarder
import Synchronization

/// A sink that records every event it receives and acknowledges it at once, or, when stalled,
/// never reads its input at all (the way a dead receiver behaves).
final class RecordingSink: Sink {
    let name: String
    let stalled: Bool
    let receivesArchiveAnchors: Bool
    private let received = Mutex<(all: [String], unique: Set<String>)>(([], []))

    /// - Parameter receivesAnchors: whether it asks for `archive_segment_sealed` events (it
    ///   never takes them from its inbox).
    init(name: String = "recording", stalled: Bool = false, receivesAnchors: Bool = false) {
        self.name = name
        self.stalled = stalled
        self.receivesArchiveAnchors = receivesAnchors
    }

    var ids: [String] { received.withLock { $0.all } }

    /// Distinct ids received, kept up to date as events arrive (cheap to poll).
    var uniqueCount: Int { received.withLock { $0.unique.count } }

    func run(input: SinkChannel.Stream, context: SinkContext) async throws {
        if stalled {
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
            return
        }
        for await item in input {
            guard case .batch(let batch) = item else { continue }
            let ids = batch.events.map(\.activity.id)
            received.withLock {
                $0.all += ids
                $0.unique.formUnion(ids)
            }
            context.acknowledge(batch)
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes; the condition is an observable outcome
/// (events delivered), not a guess about timing.
func eventually(
    timeout: Duration = .seconds(60),
    every interval: Duration = .milliseconds(20),
    _ condition: () -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: interval)
    }
    return condition()
}
