/// The wall clock and the sleeping the client does, injectable so tests can run retries and
/// rate-limit waits without real time passing.
public protocol APIClock: Sendable {
    /// The current wall-clock time (rate-limit resets are wall-clock timestamps).
    var now: RFC3339Timestamp { get }
    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemAPIClock: APIClock {
    public init() {}

    public var now: RFC3339Timestamp { .now }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
