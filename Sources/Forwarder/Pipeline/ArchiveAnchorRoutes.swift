import ForwarderCore
import Metrics
import Synchronization

/// Carries `archive_segment_sealed` events (``ArchiveAnchor``) from the sinks that seal archive
/// segments (file sinks) to the sinks that anchor them outside the host (syslog and HTTP sinks
/// with `archive_anchors` on).
///
/// Anchors are not activities, so they stay out of the activity path entirely: no batch, no
/// acknowledgement, no checkpoint, no de-duplication with activity ids. Each receiving sink has
/// its own bounded ``ArchiveAnchorInbox``; publishing never waits, so a receiver that is down
/// cannot delay a seal. A full inbox drops its *oldest* anchor (counted in
/// `compliance_forwarder_archive_anchors_dropped_total`): each manifest names the previous one's
/// hash, so the newest anchor still commits to every segment before it.
public final class ArchiveAnchorRoutes: Sendable {
    /// Anchors one receiving sink holds before dropping the oldest (about 1 KB each).
    public static let defaultCapacity = 1000

    private let inboxes: [Int: ArchiveAnchorInbox]
    private let publishers: Mutex<(remaining: Int, waiters: [Int: CheckedContinuation<Void, Never>], next: Int)>

    /// - Parameters:
    ///   - sinks: every sink, by position (as in ``SinkContext/index``).
    ///   - capacity: the bound of each receiving sink's inbox.
    /// - Returns: `nil` when no sink publishes or none receives: nothing to route.
    public init?(sinks: [any Sink], capacity: Int = defaultCapacity) {
        let publishing = sinks.filter(\.publishesArchiveAnchors).count
        var inboxes: [Int: ArchiveAnchorInbox] = [:]
        for (index, sink) in sinks.enumerated() where sink.receivesArchiveAnchors {
            inboxes[index] = ArchiveAnchorInbox(sink: sink.name, capacity: capacity)
        }
        guard publishing > 0, !inboxes.isEmpty else { return nil }
        self.inboxes = inboxes
        self.publishers = Mutex((publishing, [:], 0))
    }

    /// Hands `anchor` to every receiving sink but the publisher itself; never waits.
    func publish(_ anchor: ArchiveAnchor, from sink: Int) {
        for (index, inbox) in inboxes where index != sink { inbox.push(anchor) }
    }

    /// The inbox of the sink at `index`, when it receives anchors.
    func inbox(for index: Int) -> ArchiveAnchorInbox? { inboxes[index] }

    /// A publishing sink has returned: it seals nothing more.
    func publisherFinished() {
        let waiters = publishers.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.remaining -= 1
            guard state.remaining <= 0 else { return [] }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once every publishing sink has returned (its last seal, at shutdown, comes after
    /// its input ends), or when the task is cancelled.
    func waitForPublishers() async {
        let id = publishers.withLock { state in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = publishers.withLock { state in
                    if state.remaining <= 0 || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            publishers.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

/// One receiving sink's anchors waiting to be sent, oldest first, with the backoff of the one
/// that failed last.
final class ArchiveAnchorInbox: Sendable {
    private struct State {
        var queue: [ArchiveAnchor] = []
        var failures = 0
        var notBefore: ContinuousClock.Instant?
    }

    let capacity: Int
    private let state = Mutex(State())
    /// Anchors sent to the receiver.
    let sent: Counter
    /// Anchors dropped: the inbox was full, or the receiver refused the anchor for good.
    let dropped: Counter

    init(sink: String, capacity: Int) {
        self.capacity = max(1, capacity)
        sent = Counter(label: "compliance_forwarder_archive_anchors_sent_total", dimensions: [("sink", sink)])
        dropped = Counter(label: "compliance_forwarder_archive_anchors_dropped_total", dimensions: [("sink", sink)])
    }

    /// Anchors waiting.
    var count: Int { state.withLock { $0.queue.count } }

    func push(_ anchor: ArchiveAnchor) {
        let overflow = state.withLock { state -> Bool in
            state.queue.append(anchor)
            guard state.queue.count > capacity else { return false }
            state.queue.removeFirst()
            return true
        }
        if overflow { dropped.increment() }
    }

    /// The oldest anchor, unless the last failure's backoff has not passed yet.
    func next(now: ContinuousClock.Instant = .now) -> ArchiveAnchor? {
        state.withLock { state in
            if let notBefore = state.notBefore, now < notBefore { return nil }
            return state.queue.isEmpty ? nil : state.queue.removeFirst()
        }
    }

    /// The receiver took `anchor`.
    func delivered() {
        state.withLock {
            $0.failures = 0
            $0.notBefore = nil
        }
        sent.increment()
    }

    /// Sending failed but may succeed later: `anchor` goes back to the head, and nothing is
    /// offered before `delay(failures)` has passed. Returns that delay.
    @discardableResult
    func retryLater(
        _ anchor: ArchiveAnchor,
        delay: (Int) -> Duration,
        now: ContinuousClock.Instant = .now
    ) -> Duration {
        let (wait, overflow) = state.withLock { state -> (Duration, Bool) in
            state.failures += 1
            let wait = delay(state.failures)
            state.notBefore = now + wait
            state.queue.insert(anchor, at: 0)
            guard state.queue.count > capacity else { return (wait, false) }
            state.queue.removeFirst()
            return (wait, true)
        }
        if overflow { dropped.increment() }
        return wait
    }

    /// The receiver refused an anchor for good.
    func refused() { dropped.increment() }

    /// Drops every anchor waiting (shutdown after failed attempts); returns how many.
    func dropAll() -> Int {
        let count = state.withLock { state in
            defer { state.queue.removeAll() }
            return state.queue.count
        }
        dropped.increment(by: count)
        return count
    }
}
