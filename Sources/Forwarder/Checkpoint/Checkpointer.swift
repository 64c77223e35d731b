import ComplianceAPI
import ForwarderCore
import Logging
import Metrics
import Synchronization

/// Turns acknowledgements into a committed checkpoint, and writes it.
///
/// Sinks call ``acknowledge(sink:batch:events:)`` from any task; the pure
/// ``AcknowledgementTracker`` decides which batches every sink has fully acknowledged, and the
/// ``CheckpointState`` advances over exactly those. Writes are coalesced: ``flush()`` persists only
/// when something changed, and the pipeline calls it every `flush_interval` and once at the end.
///
/// Per-sink resume: each write also records what every sink acknowledged beyond the committed
/// cursor (``SinkProgress``, read from the tracker's pending batches), so after a crash a sink is
/// not sent again what it had acknowledged. Progress loaded from the previous run is carried in
/// ``committed`` until its batches commit again.
public final class Checkpointer: Acknowledger {
    private struct State: Sendable {
        var tracker: AcknowledgementTracker
        /// The committed state; its ``CheckpointState/sinkProgress`` holds only what was loaded
        /// (the tracker holds this run's).
        var checkpoint: CheckpointState
        var dirty = false
        /// A sink acknowledged something since the last write: its progress changed even if the
        /// cursor did not (a stalled sink holds the cursor back).
        var progressChanged = false
        var failure: TrackerError?
        var newestCommitted: RFC3339Timestamp?
        var writeFailure: String?
    }

    private let state: Mutex<State>
    private let store: any CheckpointBackend
    private let horizon: Duration
    private let clock: any APIClock
    private let logger: Logger
    private let lagGauge = Gauge(label: "compliance_forwarder_checkpoint_lag_seconds")
    private let writes = Counter(label: "compliance_forwarder_checkpoint_writes_total")
    /// The configured sinks' names, in index order: the keys of their progress.
    public let sinkNames: [String]
    /// Per sink, in index order: the ids the loaded checkpoint says it acknowledged beyond the
    /// cursor. The source does not send them to that sink again, and acknowledges them for it.
    public let acknowledgedBeforeRestart: [Set<String>]

    /// - Parameters:
    ///   - sinkNames: The sinks' configured names, in index order. Progress loaded for a name not
    ///     among them is dropped; a name without progress is sent everything after the cursor.
    ///   - horizon: How long delivered ids are remembered (``DeduplicationHorizon``).
    public init(
        store: any CheckpointBackend,
        initial: CheckpointState,
        sinkNames: [String],
        horizon: Duration,
        clock: any APIClock,
        logger: Logger
    ) {
        self.store = store
        self.horizon = horizon
        self.clock = clock
        self.logger = logger
        self.sinkNames = sinkNames
        var initial = initial
        initial.sinkProgress = initial.sinkProgress.restricted(to: sinkNames)
        acknowledgedBeforeRestart = sinkNames.map { Set(initial.sinkProgress.ids(of: $0).keys) }
        var first = State(tracker: AcknowledgementTracker(sinkCount: sinkNames.count), checkpoint: initial)
        // The lag is known from the start when resuming, not only after the first delivery.
        first.newestCommitted = initial.cursorCreatedAt
        state = Mutex(first)
        if let newest = initial.cursorCreatedAt {
            lagGauge.record(Double(clock.now.duration(since: newest).components.seconds))
        }
    }

    /// Why the latest checkpoint write failed; `nil` once a write succeeds (for `/readyz`).
    public var writeFailure: String? { state.withLock { $0.writeFailure } }

    /// The state as committed so far (written or about to be). Its per-sink progress is what was
    /// loaded and not committed since; a write adds what the sinks acknowledged in this run.
    public var committed: CheckpointState { state.withLock { $0.checkpoint } }

    /// Events handed to the sinks and not yet acknowledged by all of them.
    public var unacknowledgedEvents: Int { state.withLock { $0.tracker.unacknowledgedEvents } }

    /// Registers a batch before any sink sees it. A batch with no events commits at once (in order).
    public func register(_ record: BatchRecord) throws {
        try state.withLock { state throws(TrackerError) in
            try state.tracker.register(record)
            Self.commit(&state, now: clock.now)
        }
    }

    public func acknowledge(sink: Int, batch: UInt64, events: some Sequence<Int>) {
        state.withLock { state in
            for index in events {
                do throws(TrackerError) {
                    if try state.tracker.acknowledge(sink: sink, batch: batch, event: index) {
                        state.progressChanged = true
                    }
                } catch {
                    state.failure = state.failure ?? error
                    break
                }
            }
            Self.commit(&state, now: clock.now)
        }
    }

    private static func commit(_ state: inout State, now: RFC3339Timestamp) {
        let committable = state.tracker.takeCommittable()
        guard !committable.isEmpty else { return }
        for record in committable {
            state.checkpoint.apply(record, now: now)
            let newest = ([record.resume?.createdAt] + record.ids.map(\.1)).compactMap { $0 }.max()
            if let newest, newest > (state.newestCommitted ?? newest) || state.newestCommitted == nil {
                state.newestCommitted = newest
            }
        }
        state.dirty = true
    }

    /// Writes the checkpoint if it changed. Throws on a write failure, a lost lease
    /// (``StateStoreError`` `leaseLost`) or a tracker bug.
    public func flush() async throws {
        let now = clock.now
        let snapshot: CheckpointState? = try state.withLock { state throws(TrackerError) in
            if let failure = state.failure { throw failure }
            if let newest = state.newestCommitted {
                lagGauge.record(Double(now.duration(since: newest).components.seconds))
            }
            guard state.dirty || state.progressChanged else { return nil }
            state.checkpoint.prune(olderThan: now.adding(.zero - horizon))
            (state.dirty, state.progressChanged) = (false, false)
            var snapshot = state.checkpoint
            snapshot.sinkProgress = snapshot.sinkProgress.merging(state.tracker.progress(sinkNames: sinkNames))
            return snapshot
        }
        guard let snapshot else { return }
        do {
            try await store.commit(snapshot)
            writes.increment()
            state.withLock { $0.writeFailure = nil }
        } catch {
            state.withLock {
                ($0.dirty, $0.progressChanged) = (true, true)
                $0.writeFailure = "\(error)"
            }
            throw error
        }
    }

    /// Flushes every `interval` until cancelled. A failed write is logged and retried next time
    /// (the previous checkpoint stays valid: resuming from it only re-sends); a lost lease ends
    /// the loop with its error, which stops the pipeline.
    public func runFlushLoop(interval: Duration) async throws {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                try await flush()
            } catch let error as TrackerError {
                throw error
            } catch let error as StateStoreError where error.code == .leaseLost {
                throw error
            } catch {
                logger.error("checkpoint write failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }
}
