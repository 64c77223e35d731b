import Synchronization

/// Requests Splunk accepted but has not yet confirmed as indexed, by `ackId` (indexer acks).
///
/// With indexer acknowledgement an HTTP 200 only means "queued": the events count as delivered
/// (and are acknowledged to the pipeline: a different acknowledgement) once `/services/collector/ack` reports their `ackId`
/// as `true`. A request not confirmed within the timeout is sent again (a duplicate is possible,
/// a loss is not). Ack ids restart at 0 when Splunk restarts; if an id comes back while an older
/// request still holds it, the older request is handed back for resending, since its
/// confirmation can no longer be told apart.
final class SplunkIndexerAcks: Sendable {
    struct Pending: Sendable {
        var events: EncodedEvents
        var sentAt: ContinuousClock.Instant
    }

    private let pending = Mutex<[UInt64: Pending]>([:])

    init() {}

    /// Records a request waiting for `id`; returns an older request displaced by a reused id.
    func add(_ id: UInt64, events: EncodedEvents, sentAt: ContinuousClock.Instant = .now) -> EncodedEvents? {
        pending.withLock { table in
            let displaced = table[id]?.events
            table[id] = Pending(events: events, sentAt: sentAt)
            return displaced
        }
    }

    /// The ids to ask about, in order.
    var pendingIDs: [UInt64] { pending.withLock { $0.keys.sorted() } }

    /// Events held until Splunk confirms them.
    var pendingEventCount: Int { pending.withLock { $0.values.reduce(0) { $0 + $1.events.count } } }

    var isEmpty: Bool { pending.withLock { $0.isEmpty } }

    /// Removes and returns the requests whose ids Splunk reported `true`; `false` and missing ids
    /// stay pending.
    func confirm(_ results: [UInt64: Bool]) -> [EncodedEvents] {
        pending.withLock { table in
            var confirmed: [EncodedEvents] = []
            for (id, indexed) in results where indexed {
                if let request = table.removeValue(forKey: id) { confirmed.append(request.events) }
            }
            return confirmed
        }
    }

    /// Removes and returns the requests sent more than `timeout` before `now`.
    func takeExpired(now: ContinuousClock.Instant, timeout: Duration) -> [EncodedEvents] {
        pending.withLock { table in
            let expired = table.filter { now - $0.value.sentAt >= timeout }
            for id in expired.keys { table.removeValue(forKey: id) }
            return expired.keys.sorted().compactMap { expired[$0]?.events }
        }
    }
}
