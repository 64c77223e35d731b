import Synchronization

/// Counts the HTTP sink's workers that have returned, so the sink can reap exactly those from its
/// task group without waiting on one that is still sending.
final class FinishedWorkers: Sendable {
    private let value = Atomic<Int>(0)

    var count: Int { value.load(ordering: .acquiring) }

    func increment() { value.add(1, ordering: .releasing) }
}
