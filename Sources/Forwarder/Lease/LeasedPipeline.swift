import ForwarderCore
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the pipeline only while this replica holds the lease (`state.backend: postgres`).
///
/// A standby asks for the lease every `lease.renew`; once granted it loads the checkpoint row,
/// builds a fresh pipeline whose every commit is fenced by the epoch (``FencedCheckpoint``) and
/// renews the lease beside it. The pipeline is cancelled at once (no drain: another replica may
/// be about to deliver) when the database refuses a renewal or a commit, or when no renewal
/// succeeded and the fencing margin runs out (``LeaseStateMachine``); the replica then stands by
/// again. On graceful shutdown the leader drains as with the file backend, then releases the
/// lease so a standby need not wait for it to expire.
public final class LeasedPipeline: Service {
    /// Builds the pipeline for one term as leader: it loads its sources' checkpoint rows
    /// through `checkpoint` (``FencedCheckpoint/forSource(_:)``) and asks `mayFetch` (the fence)
    /// before each request.
    public typealias MakePipeline =
        @Sendable (_ checkpoint: FencedCheckpoint, _ mayFetch: @escaping @Sendable () -> Bool) async throws
        -> ForwarderPipeline

    private enum TermEnd: Sendable {
        case pipelineStopped((any Error)?)
        case stepDown(LeaseStateMachine.StepDownReason)
    }

    private let store: PostgresStateStore
    private let status: LeaseStatus
    private let readiness: Readiness
    private let makePipeline: MakePipeline
    private let logger: Logger
    private let machine: Mutex<LeaseStateMachine>
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    public init(
        store: PostgresStateStore,
        lease: LeaseStateMachine.Configuration,
        status: LeaseStatus,
        readiness: Readiness,
        logger: Logger,
        makePipeline: @escaping MakePipeline
    ) {
        self.store = store
        self.status = status
        self.readiness = readiness
        self.makePipeline = makePipeline
        self.logger = logger
        self.origin = clock.now
        self.machine = Mutex(LeaseStateMachine(configuration: lease, now: .zero))
    }

    private var now: Duration { clock.now - origin }
    private var duration: Duration { machine.withLock { $0.configuration.duration } }

    public func run() async throws {
        do {
            try await runTerms()
        } catch {
            await store.session.close()
            throw error
        }
        await store.session.close()
    }

    private func runTerms() async throws {
        guard await migrate() else { return }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let action = machine.withLock { $0.tick(now: now) }
            guard action == .acquire else {
                await sleepUntilNextDeadline()
                continue
            }
            let sentAt = now
            let epoch: Int64?
            do {
                epoch = try await store.acquireLease(duration: duration)
                status.databaseReached()
            } catch {
                status.databaseFailed("\(error)")
                logger.warning("cannot reach the state database; standing by", metadata: ["error": "\(error)"])
                machine.withLock { $0.acquisitionFailed(now: now) }
                continue
            }
            guard let epoch else {
                machine.withLock { $0.acquisitionFailed(now: now) }
                continue
            }
            let granted = machine.withLock { $0.acquired(epoch: epoch, sentAt: sentAt, now: now) }
            guard granted == .lead(epoch: epoch) else { continue }
            if try await lead(epoch: epoch) { return }
        }
    }

    /// Creates or migrates the tables, retrying while the database is unreachable: `false` when
    /// shutdown came first.
    private func migrate() async -> Bool {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await store.migrate()
                status.databaseReached()
                return true
            } catch {
                status.databaseFailed("\(error)")
                logger.warning("cannot prepare the state database; will retry", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
        }
        return false
    }

    /// One term as leader: `true` when the process is stopping (the pipeline drained), `false`
    /// after stepping down.
    private func lead(epoch: Int64) async throws -> Bool {
        logger.notice("lease acquired: this replica delivers", metadata: ["epoch": "\(epoch)"])
        status.leading(epoch: epoch)
        let checkpoint = FencedCheckpoint(store: store, epoch: epoch)
        let end = await withTaskGroup(of: TermEnd.self) { group in
            group.addTask { [self] in
                do {
                    let pipeline = try await makePipeline(checkpoint) { [self] in
                        machine.withLock { $0.mayDeliver(now: now) }
                    }
                    readiness.attach(
                        checkpointers: pipeline.checkpointers,
                        sinks: zip(pipeline.sinks, pipeline.sinkMetrics).map { ($0.name, $1.health) }
                    )
                    defer { readiness.detach() }
                    try await pipeline.run()
                    return .pipelineStopped(nil)
                } catch {
                    return .pipelineStopped(error)
                }
            }
            group.addTask { [self] in .stepDown(await keepLease(epoch: epoch)) }
            let first = await group.next() ?? .pipelineStopped(nil)
            group.cancelAll()
            while await group.next() != nil {}
            return first
        }
        status.standingBy()
        switch end {
        case .stepDown(let reason):
            logger.warning("lease lost: delivery stopped", metadata: ["epoch": "\(epoch)", "reason": "\(reason)"])
            return false
        case .pipelineStopped(let error as StateStoreError) where error.code == .leaseLost:
            _ = machine.withLock { $0.commitRefused(epoch: epoch, now: now) }
            logger.warning(
                "lease lost: delivery stopped",
                metadata: [
                    "epoch": "\(epoch)", "reason": "\(LeaseStateMachine.StepDownReason.commitRefused)",
                    "detail": "\(error.message)",
                ]
            )
            return false
        case .pipelineStopped(let error as StateStoreError) where error.isRetryable:
            // The checkpoint could not be loaded: let another replica (or a later term) try.
            await release(epoch: epoch)
            _ = machine.withLock { $0.renewalRefused(epoch: epoch, now: now) }
            logger.warning("state database unavailable; standing by", metadata: ["error": "\(error)"])
            return false
        case .pipelineStopped(let error):
            await release(epoch: epoch)
            if let error { throw error }
            return true
        }
    }

    /// Renews the lease while the pipeline runs; returns when this replica must stop delivering.
    private func keepLease(epoch: Int64) async -> LeaseStateMachine.StepDownReason {
        while true {
            let action = machine.withLock { $0.tick(now: now) }
            switch action {
            case .renew(let epoch):
                let sentAt = now
                do {
                    if try await store.renewLease(epoch: epoch, duration: duration) {
                        status.databaseReached()
                        machine.withLock { $0.renewed(epoch: epoch, sentAt: sentAt) }
                    } else if case .stepDown(_, let reason) = machine.withLock({
                        $0.renewalRefused(epoch: epoch, now: now)
                    }) {
                        return reason
                    }
                } catch {
                    status.databaseFailed("\(error)")
                    logger.warning("lease renewal failed; will retry", metadata: ["error": "\(error)"])
                    machine.withLock { $0.renewalFailed(epoch: epoch, now: now) }
                }
            case .stepDown(_, let reason):
                return reason
            default:
                // Not cut short by graceful shutdown: the drain commits under this lease.
                await sleepUntilNextDeadline(untilShutdown: false)
                // Cancelled: the pipeline ended first; the caller ignores this answer.
                if Task.isCancelled { return .lost }
            }
        }
    }

    /// Gives the lease up so a standby takes over without waiting for it to expire.
    private func release(epoch: Int64) async {
        do {
            try await store.releaseLease(epoch: epoch)
            logger.notice("lease released", metadata: ["epoch": "\(epoch)"])
        } catch {
            logger.warning("could not release the lease; it expires by itself", metadata: ["error": "\(error)"])
        }
    }

    private func sleepUntilNextDeadline(untilShutdown: Bool = true) async {
        let wait = machine.withLock { machine in machine.nextDeadline.map { $0 - now } } ?? .milliseconds(100)
        guard wait > .zero else { return }
        if untilShutdown {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        } else {
            try? await Task.sleep(for: wait)
        }
    }
}
