import Metrics
import Synchronization

/// The per-sink series: delivered, retried, dead-lettered, and whether the sink is healthy.
public struct SinkMetrics: Sendable {
    public let delivered: Counter
    public let retried: Counter
    public let deadLettered: Counter
    public let health: SinkHealth

    public init(sink: String) {
        delivered = Counter(label: "compliance_forwarder_events_delivered_total", dimensions: [("sink", sink)])
        retried = Counter(label: "compliance_forwarder_events_retried_total", dimensions: [("sink", sink)])
        deadLettered = Counter(label: "compliance_forwarder_events_dead_lettered_total", dimensions: [("sink", sink)])
        health = SinkHealth(sink: sink)
    }
}

/// Whether a sink can currently deliver (for `/readyz` and the `compliance_forwarder_sink_up` gauge).
public final class SinkHealth: Sendable {
    private let state = Mutex<(healthy: Bool, reason: String?)>((true, nil))
    private let gauge: Gauge

    init(sink: String) {
        gauge = Gauge(label: "compliance_forwarder_sink_up", dimensions: [("sink", sink)])
        gauge.record(1)
    }

    public var isHealthy: Bool { state.withLock { $0.healthy } }
    public var reason: String? { state.withLock { $0.reason } }

    public func markHealthy() {
        state.withLock { $0 = (true, nil) }
        gauge.record(1)
    }

    public func markUnhealthy(_ reason: String) {
        state.withLock { $0 = (false, reason) }
        gauge.record(0)
    }
}
