import Metrics
import Synchronization

/// Counters particular to the syslog sink (the shared ones are in ``SinkMetrics``), exported as
/// metrics and readable in-process (tests, the summary).
public final class SyslogSinkStatistics: Sendable {
    private struct Values {
        var connections = 0
        var resent = 0
        var truncated = 0
        var evictedUnconfirmed = 0
    }

    private let values = Mutex(Values())
    private let resentCounter: Counter
    private let truncatedCounter: Counter
    private let connectionsCounter: Counter

    init(sink: String) {
        resentCounter = Counter(label: "compliance_forwarder_syslog_resent_events_total", dimensions: [("sink", sink)])
        truncatedCounter = Counter(
            label: "compliance_forwarder_syslog_truncated_events_total",
            dimensions: [("sink", sink)]
        )
        connectionsCounter = Counter(
            label: "compliance_forwarder_syslog_connections_total",
            dimensions: [("sink", sink)]
        )
    }

    /// Connections established (the first one, then one per reconnect).
    public var connections: Int { values.withLock { $0.connections } }
    /// Events sent again after a reconnect: the upper bound of duplicates at the receiver.
    public var resent: Int { values.withLock { $0.resent } }
    /// Events whose MSG was cut to `max_message_bytes`.
    public var truncated: Int { values.withLock { $0.truncated } }
    /// Events that left the resend window by its size limits before they counted as processed.
    public var evictedUnconfirmed: Int { values.withLock { $0.evictedUnconfirmed } }

    func connected() {
        values.withLock { $0.connections += 1 }
        connectionsCounter.increment()
    }

    func resent(_ count: Int) {
        values.withLock { $0.resent += count }
        resentCounter.increment(by: count)
    }

    func truncated(_ count: Int) {
        values.withLock { $0.truncated += count }
        truncatedCounter.increment(by: count)
    }

    func evicted(total: Int) {
        values.withLock { $0.evictedUnconfirmed = total }
    }
}
