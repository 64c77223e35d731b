/// Whether this replica may fetch and deliver: it may while it holds the pipeline's lease, and
/// stops on its own before the lease can expire at the database.
///
/// A pure value with no I/O and no clock of its own: every input carries the local monotonic
/// time (`now`, and `sentAt` for the request an answer belongs to). The database decides expiry
/// with its own clock; this side only counts from the moment it *sent* a request that the
/// database granted, which is never later than the moment the database computed `now() + duration`.
/// So `sentAt + duration` is a lower bound of the expiry, and the leader stops delivering
/// `fencingMargin` before it: two replicas never deliver at the same time, whatever the clocks of
/// their hosts say, as long as the local monotonic clock does not run more than `fencingMargin`
/// slow over one lease (a paused process is the case the margin exists for: its clock keeps
/// running, so it wakes up overdue and steps down before writing).
///
/// The runtime turns each ``Action`` into one statement (see `docs/high-availability.md`);
/// every checkpoint commit is additionally conditional on the epoch in the same statement, so a
/// replica that lost the lease cannot move the cursor even if this model were wrong about time.
public struct LeaseStateMachine: Sendable {
    /// Lease timing. `renewInterval + fencingMargin` must be shorter than `duration` (see
    /// ``validate()``), so a healthy leader always renews before it would fence itself.
    public struct Configuration: Sendable, Hashable {
        /// How long a grant or renewal holds at the database.
        public var duration: Duration
        /// How often the leader renews, and how often a standby tries to take over.
        public var renewInterval: Duration
        /// How long before the lease could expire the leader stops delivering.
        public var fencingMargin: Duration
        /// How soon a failed renewal (database unreachable) is tried again.
        public var retryInterval: Duration

        public init(
            duration: Duration = .seconds(15),
            renewInterval: Duration = .seconds(5),
            fencingMargin: Duration = .seconds(3),
            retryInterval: Duration = .seconds(1)
        ) {
            self.duration = duration
            self.renewInterval = renewInterval
            self.fencingMargin = fencingMargin
            self.retryInterval = retryInterval
        }

        /// What is wrong with the timing, or `nil`.
        public func validate() -> String? {
            if duration <= .zero || renewInterval <= .zero || fencingMargin < .zero || retryInterval <= .zero {
                return "lease durations must be positive"
            }
            if renewInterval + fencingMargin >= duration {
                return "lease.renew (\(renewInterval)) plus the fencing margin (\(fencingMargin)) must be shorter than"
                    + " lease.duration (\(duration)), or a healthy leader would fence itself"
            }
            return nil
        }
    }

    /// Why the leader stopped.
    public enum StepDownReason: String, Sendable, Hashable {
        /// The database answered that another replica holds the lease (or a newer epoch exists).
        case lost
        /// No renewal succeeded in time: the leader fenced itself before the lease could expire.
        case renewalOverdue = "renewal_overdue"
        /// A checkpoint commit found the epoch no longer owns the lease.
        case commitRefused = "commit_refused"
    }

    /// What the runtime must do now.
    public enum Action: Sendable, Hashable {
        /// Nothing until the next input.
        case none
        /// Ask the database for the lease (granted only if it is free or expired; epoch + 1).
        case acquire
        /// Extend the lease held under `epoch`.
        case renew(epoch: Int64)
        /// Start fetching and delivering under `epoch`.
        case lead(epoch: Int64)
        /// Stop fetching and delivering at once.
        case stepDown(epoch: Int64, reason: StepDownReason)
    }

    /// What this replica is.
    public enum Role: Sendable, Hashable {
        case standby
        case leader(epoch: Int64)
    }

    private enum State: Sendable, Hashable {
        case standby(nextAttempt: Duration)
        case acquiring
        case leading(epoch: Int64, deliverUntil: Duration, nextRenewal: Duration, renewing: Bool)
    }

    public let configuration: Configuration
    private var state: State

    /// Starts as a standby that asks for the lease at once.
    public init(configuration: Configuration = .init(), now: Duration) {
        self.configuration = configuration
        self.state = .standby(nextAttempt: now)
    }

    /// The current role.
    public var role: Role {
        if case .leading(let epoch, _, _, _) = state { return .leader(epoch: epoch) }
        return .standby
    }

    /// Whether fetching and delivering is allowed at `now` (a leader whose margin has run out is
    /// not allowed even before the next ``tick(now:)``).
    public func mayDeliver(now: Duration) -> Bool {
        if case .leading(_, let deliverUntil, _, _) = state { return now < deliverUntil }
        return false
    }

    /// When the next ``tick(now:)`` has something to do (for the runtime's timer).
    public var nextDeadline: Duration? {
        switch state {
        case .standby(let next): return next
        case .acquiring: return nil
        case .leading(_, let deliverUntil, let nextRenewal, let renewing):
            return renewing ? deliverUntil : min(deliverUntil, nextRenewal)
        }
    }

    /// Time passed: fence, renew or try to acquire when due.
    public mutating func tick(now: Duration) -> Action {
        switch state {
        case .standby(let next):
            guard now >= next else { return .none }
            state = .acquiring
            return .acquire
        case .acquiring:
            return .none
        case .leading(let epoch, let deliverUntil, let nextRenewal, let renewing):
            if now >= deliverUntil {
                return stepDown(epoch: epoch, reason: .renewalOverdue, now: now)
            }
            guard !renewing, now >= nextRenewal else { return .none }
            state = .leading(epoch: epoch, deliverUntil: deliverUntil, nextRenewal: nextRenewal, renewing: true)
            return .renew(epoch: epoch)
        }
    }

    /// The database granted the lease under `epoch` to the request sent at `sentAt`.
    public mutating func acquired(epoch: Int64, sentAt: Duration, now: Duration) -> Action {
        guard case .acquiring = state else { return .none }
        let deliverUntil = sentAt + configuration.duration - configuration.fencingMargin
        guard now < deliverUntil else {
            // The answer came too late to use safely; the grant expires unused and the next
            // attempt takes a fresh one.
            state = .standby(nextAttempt: now)
            return .none
        }
        state = .leading(
            epoch: epoch,
            deliverUntil: deliverUntil,
            nextRenewal: sentAt + configuration.renewInterval,
            renewing: false
        )
        return .lead(epoch: epoch)
    }

    /// The acquisition did not succeed: another replica holds a live lease, or the database could
    /// not be reached. Either way, try again after the renew interval.
    public mutating func acquisitionFailed(now: Duration) {
        guard case .acquiring = state else { return }
        state = .standby(nextAttempt: now + configuration.renewInterval)
    }

    /// The database extended the lease of `epoch` for the request sent at `sentAt`.
    public mutating func renewed(epoch: Int64, sentAt: Duration) {
        guard case .leading(let current, let deliverUntil, _, _) = state, current == epoch else { return }
        state = .leading(
            epoch: epoch,
            deliverUntil: max(deliverUntil, sentAt + configuration.duration - configuration.fencingMargin),
            nextRenewal: sentAt + configuration.renewInterval,
            renewing: false
        )
    }

    /// The renewal could not be made (database unreachable, timeout): keep delivering while the
    /// margin allows and try again soon; ``tick(now:)`` fences when it runs out.
    public mutating func renewalFailed(epoch: Int64, now: Duration) {
        guard case .leading(let current, let deliverUntil, _, _) = state, current == epoch else { return }
        state = .leading(
            epoch: epoch,
            deliverUntil: deliverUntil,
            nextRenewal: now + configuration.retryInterval,
            renewing: false
        )
    }

    /// The database refused the renewal: the epoch no longer holds the lease.
    public mutating func renewalRefused(epoch: Int64, now: Duration) -> Action {
        guard case .leading(let current, _, _, _) = state, current == epoch else { return .none }
        return stepDown(epoch: epoch, reason: .lost, now: now)
    }

    /// A checkpoint commit under `epoch` found the lease gone.
    public mutating func commitRefused(epoch: Int64, now: Duration) -> Action {
        guard case .leading(let current, _, _, _) = state, current == epoch else { return .none }
        return stepDown(epoch: epoch, reason: .commitRefused, now: now)
    }

    private mutating func stepDown(epoch: Int64, reason: StepDownReason, now: Duration) -> Action {
        // Back to standby: the next attempt waits a renew interval, so a replica that just lost
        // does not race the new leader's first renewal.
        state = .standby(nextAttempt: now + configuration.renewInterval)
        return .stepDown(epoch: epoch, reason: reason)
    }
}
