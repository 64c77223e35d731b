import ComplianceAPI
import Synchronization

/// A clock whose time moves only when someone sleeps on it or advances it.
///
/// Tests give the same instance to the client and to the mock, so a 60-second `retry-after` or a
/// wait for a rate-limit reset completes at once while both sides agree on what time it is.
public final class VirtualClock: APIClock {
    private let state: Mutex<(now: RFC3339Timestamp, sleeps: [Duration])>

    public init(start: RFC3339Timestamp = RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000)) {
        state = Mutex((start, []))
    }

    public var now: RFC3339Timestamp { state.withLock { $0.now } }

    /// Every sleep requested so far, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(duration)
            if duration > .zero { $0.now = $0.now.adding(duration) }
        }
        await Task.yield()
    }

    /// Moves time forward without recording a sleep.
    public func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.adding(duration) }
    }
}
