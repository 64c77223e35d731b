import ForwarderCore
import Metrics
import Synchronization

/// This replica's role, for `/readyz`, the metrics and `check`.
///
/// Written by ``LeasedPipeline``; read by anyone. Publishes `compliance_forwarder_leader` (1 while
/// this replica holds the lease, else 0) and `compliance_forwarder_lease_epoch` (the epoch it holds
/// or last held; 0 before its first lease).
public final class LeaseStatus: Sendable {
    private struct State: Sendable {
        var role: LeaseStateMachine.Role = .standby
        var databaseProblem: String? = "the database has not been reached yet"
    }

    private let state = Mutex(State())
    private let leaderGauge = Gauge(label: "compliance_forwarder_leader")
    private let epochGauge = Gauge(label: "compliance_forwarder_lease_epoch")

    public init() {
        leaderGauge.record(0)
        epochGauge.record(0)
    }

    public var role: LeaseStateMachine.Role { state.withLock { $0.role } }

    /// Why the database cannot be used now, `nil` when the last operation succeeded.
    public var databaseProblem: String? { state.withLock { $0.databaseProblem } }

    func leading(epoch: Int64) {
        state.withLock { $0.role = .leader(epoch: epoch) }
        leaderGauge.record(1)
        epochGauge.record(epoch)
    }

    func standingBy() {
        state.withLock { $0.role = .standby }
        leaderGauge.record(0)
    }

    func databaseReached() {
        state.withLock { $0.databaseProblem = nil }
    }

    func databaseFailed(_ problem: String) {
        state.withLock { $0.databaseProblem = problem }
    }
}
