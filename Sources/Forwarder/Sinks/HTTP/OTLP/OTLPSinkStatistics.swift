import Metrics
import Synchronization

/// What `mode: otlp` counts beyond ``SinkMetrics``: log records a collector stored the request
/// of but rejected in `partial_success` without naming them (so they could not be dead-lettered).
/// Exported as `compliance_forwarder_otlp_rejected_log_records_total{sink}` and readable in-process.
public final class OTLPSinkStatistics: Sendable {
    private let count = Mutex(0)
    private let counter: Counter

    init(sink: String) {
        counter = Counter(label: "compliance_forwarder_otlp_rejected_log_records_total", dimensions: [("sink", sink)])
    }

    /// Log records rejected in `partial_success` replies so far.
    public var rejectedLogRecords: Int { count.withLock { $0 } }

    func rejected(_ records: Int) {
        count.withLock { $0 += records }
        counter.increment(by: records)
    }
}
