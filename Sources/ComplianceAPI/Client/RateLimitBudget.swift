/// The `anthropic-ratelimit-requests-*` headers of one response.
public struct RateLimitSnapshot: Sendable, Hashable {
    /// Requests per minute for the whole parent organisation.
    public var limit: Int
    /// Requests left in the current window.
    public var remaining: Int
    /// When the full budget returns.
    public var reset: RFC3339Timestamp?

    public init(limit: Int, remaining: Int, reset: RFC3339Timestamp?) {
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
    }
}

/// Paces requests so that this process never takes more than its share of the organisation's
/// rate budget (600 requests/min, shared by every key and tool under the parent organisation).
///
/// A pure value: the client asks ``delayBeforeNextRequest(now:)`` before each request, calls
/// ``recordRequest(at:)`` when it sends one and ``observe(_:at:)`` with each response's headers.
/// Two limits apply: a hard cap of ``Configuration/maximumRequestsPerMinute`` over any sliding
/// minute, and a reserve: once `remaining` falls to the reserve, wait for `reset`.
public struct RateLimitBudget: Sendable, Hashable {
    public struct Configuration: Sendable, Hashable {
        /// The most requests this process sends in any 60 s.
        public var maximumRequestsPerMinute: Int
        /// The share of the organisation's budget left for other tools, `0..<1`.
        public var reserveFraction: Double

        /// - Parameters:
        ///   - maximumRequestsPerMinute: Hard cap. Defaults to 300 (half of the 600/min budget).
        ///   - reserveFraction: Share kept free for others. Defaults to 0.5.
        public init(maximumRequestsPerMinute: Int = 300, reserveFraction: Double = 0.5) {
            self.maximumRequestsPerMinute = max(1, maximumRequestsPerMinute)
            self.reserveFraction = min(max(reserveFraction, 0), 0.99)
        }
    }

    public var configuration: Configuration
    /// The latest headers seen.
    public private(set) var lastSnapshot: RateLimitSnapshot?
    private var sentAt: [RFC3339Timestamp] = []

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Requests kept free for other tools under the latest known limit.
    public var reserve: Int {
        guard let lastSnapshot else { return 0 }
        return Int((Double(lastSnapshot.limit) * configuration.reserveFraction).rounded(.up))
    }

    /// How long to wait before the next request may be sent; zero when it may go now.
    public mutating func delayBeforeNextRequest(now: RFC3339Timestamp) -> Duration {
        prune(now: now)
        var wait = Duration.zero
        if sentAt.count >= configuration.maximumRequestsPerMinute, let oldest = sentAt.first {
            wait = oldest.adding(.seconds(60)).duration(since: now)
        }
        if let snapshot = lastSnapshot, snapshot.remaining <= reserve, let reset = snapshot.reset {
            if reset > now {
                let untilReset = reset.duration(since: now)
                if untilReset > wait { wait = untilReset }
            } else {
                // The window has reset since we last heard; the next response will tell us more.
                lastSnapshot = nil
            }
        }
        return max(wait, .zero)
    }

    /// Notes that a request was sent at `now`.
    public mutating func recordRequest(at now: RFC3339Timestamp) {
        prune(now: now)
        sentAt.append(now)
    }

    /// Takes in the rate-limit headers of a response.
    public mutating func observe(_ snapshot: RateLimitSnapshot, at now: RFC3339Timestamp) {
        lastSnapshot = snapshot
    }

    /// Requests sent in the last 60 s.
    public func requestsInLastMinute(now: RFC3339Timestamp) -> Int {
        let horizon = now.adding(.seconds(-60))
        return sentAt.filter { $0 > horizon }.count
    }

    private mutating func prune(now: RFC3339Timestamp) {
        let horizon = now.adding(.seconds(-60))
        if let firstKept = sentAt.firstIndex(where: { $0 > horizon }) {
            sentAt.removeFirst(firstKept)
        } else {
            sentAt.removeAll(keepingCapacity: true)
        }
    }
}
