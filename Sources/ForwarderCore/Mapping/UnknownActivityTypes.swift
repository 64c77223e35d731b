import Synchronization

/// Counts activities whose type the mapping table does not know, in total and per type.
///
/// New activity types ship without notice; they are forwarded with a fallback mapping, and this
/// counter lets the runtime export how many arrived (a metric such as
/// `compliance_forwarder_unknown_activity_types_total{type=…}`) so someone reviews and adds them.
///
/// The per-type map is capped (``maximumTrackedTypes``): a misbehaving upstream sending endless
/// distinct types must not grow memory or metric cardinality without bound. Types beyond the cap are
/// counted in ``Snapshot/total`` and ``Snapshot/untracked`` only.
public final class UnknownActivityTypes: Sendable {
    /// A consistent copy of the counters.
    public struct Snapshot: Sendable, Hashable {
        /// Every unknown activity counted.
        public var total: Int
        /// Count per type, for at most ``UnknownActivityTypes/maximumTrackedTypes`` types.
        public var perType: [String: Int]
        /// Activities whose type arrived after the per-type map was full.
        public var untracked: Int
    }

    /// A process-wide counter for callers that do not inject their own.
    public static let shared = UnknownActivityTypes()

    /// How many distinct types get their own count.
    public let maximumTrackedTypes: Int

    private let state: Mutex<Snapshot>

    /// - Parameter maximumTrackedTypes: distinct types counted individually (default 256).
    public init(maximumTrackedTypes: Int = 256) {
        self.maximumTrackedTypes = max(0, maximumTrackedTypes)
        self.state = Mutex(Snapshot(total: 0, perType: [:], untracked: 0))
    }

    /// Counts one activity of an unknown `type`.
    public func record(_ type: String) {
        let cap = maximumTrackedTypes
        state.withLock { snapshot in
            snapshot.total += 1
            if let count = snapshot.perType[type] {
                snapshot.perType[type] = count + 1
            } else if snapshot.perType.count < cap {
                snapshot.perType[type] = 1
            } else {
                snapshot.untracked += 1
            }
        }
    }

    /// Every unknown activity counted so far.
    public var total: Int { state.withLock { $0.total } }

    /// The count for one type (0 when never seen or not tracked).
    public func count(of type: String) -> Int { state.withLock { $0.perType[type] ?? 0 } }

    /// All counters at one instant.
    public func snapshot() -> Snapshot { state.withLock { $0 } }

    /// Clears the counters (tests; a runtime that exports deltas).
    public func reset() {
        state.withLock { $0 = Snapshot(total: 0, perType: [:], untracked: 0) }
    }
}
