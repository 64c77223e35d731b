import ComplianceAPI
import ForwarderCore
import Logging
import Metrics
import ServiceLifecycle

/// The source: reads the activity feed oldest first and emits one batch per page.
///
/// **Cursor pass**: `order=asc`, `created_at.gte=<start>` until the first page, then
/// `after_id=<last_id>`, `limit=<page_size>`, until `has_more` is false. A page is emitted as a
/// batch whose resume point is its `last_id`; the checkpoint moves there only once every sink has
/// acknowledged it and everything before it. A failed request is retried with the same cursor
/// (``ComplianceClient`` retries retryable errors for ever here); a permanent one stops the
/// pipeline with the API's message.
///
/// **Overlap pass**: rows can become visible up to about a minute after their `created_at`, behind
/// a cursor that already passed them. After each caught-up cursor pass, the window
/// `[now − lookback, cursor's created_at]` is re-read and ids not already emitted are emitted
/// (and counted as late arrivals).
///
/// **Per-sink resume**: after a restart, an event the checkpoint says a sink already acknowledged
/// (``Checkpointer/acknowledgedBeforeRestart``) is not sent to that sink again but acknowledged
/// for it at once, so the common cursor still advances over it.
final class Poller: Sendable {
    /// Progress for `backfill`'s display, after each page.
    struct Progress: Sendable {
        var fetched: Int
        /// The oldest new record of the page: the first page's is where the backfill's data starts.
        var oldestCreatedAt: RFC3339Timestamp?
        var newestCreatedAt: RFC3339Timestamp?
    }

    private let client: ComplianceClient
    private let mode: ForwarderPipeline.Configuration.Mode
    /// Filters, page size, poll interval, lookback and self-generated handling.
    private let source: ForwarderConfiguration.Source
    private let checkpointer: Checkpointer
    private let outputs: [SinkChannel]
    private let deadLetters: DeadLetterWriter
    private let clock: any APIClock
    private let logger: Logger
    private let onProgress: (@Sendable (Progress) -> Void)?
    private let mayFetch: (@Sendable () -> Bool)?
    private let isolation: Isolation
    private let metrics = PollerMetrics()
    /// Per sink: events not sent again after a restart (`compliance_forwarder_resend_skipped_total`).
    private let resendSkipped: [Counter]

    /// How this source lives beside others in one process (`sources:`).
    struct Isolation: Sendable {
        /// Added to every batch sequence, so acknowledgements find this source's checkpointer.
        var sequenceBase: UInt64 = 0
        /// Instead of stopping the pipeline on a permanent error (401, 403, 404), wait this long
        /// and ask again (a key replaced by SIGHUP, a scope granted): other sources go on.
        var retryPermanentErrorsAfter: Duration?
    }

    init(
        client: ComplianceClient,
        mode: ForwarderPipeline.Configuration.Mode,
        source: ForwarderConfiguration.Source,
        checkpointer: Checkpointer,
        outputs: [SinkChannel],
        deadLetters: DeadLetterWriter,
        clock: any APIClock,
        logger: Logger,
        onProgress: (@Sendable (Progress) -> Void)? = nil,
        mayFetch: (@Sendable () -> Bool)? = nil,
        isolation: Isolation = .init()
    ) {
        self.client = client
        self.mode = mode
        self.source = source
        self.checkpointer = checkpointer
        self.outputs = outputs
        self.deadLetters = deadLetters
        self.clock = clock
        self.logger = logger
        self.onProgress = onProgress
        self.mayFetch = mayFetch
        self.isolation = isolation
        self.resendSkipped = checkpointer.sinkNames.map {
            Counter(label: "compliance_forwarder_resend_skipped_total", dimensions: [("sink", $0)])
        }
    }

    /// The mutable state of one run, owned by ``run()``'s task.
    private struct RunState {
        var cursor: String?
        var cursorCreatedAt: RFC3339Timestamp?
        var start: RFC3339Timestamp
        var seen: SeenIDs
        var detector = SelfGeneratedDetector()
        var sequence: UInt64 = 0
        var fetched = 0
        var lastOverlap: RFC3339Timestamp?
        /// Per sink, the ids it acknowledged before the restart and not met again yet.
        var acknowledgedBeforeRestart: [Set<String>] = []
    }

    /// Polls until graceful shutdown (follow) or until the range is read (backfill).
    func run() async throws {
        let committed = checkpointer.committed
        var run = RunState(
            cursor: committed.cursor,
            cursorCreatedAt: committed.cursorCreatedAt,
            start: committed.start,
            seen: SeenIDs(committed.delivered),
            sequence: isolation.sequenceBase,
            acknowledgedBeforeRestart: checkpointer.acknowledgedBeforeRestart
        )
        if case .backfill(let since, _) = mode, run.cursor == nil { run.start = since }
        logger.info(
            "source starting",
            metadata: [
                "cursor": "\(run.cursor ?? "-")", "start": "\(run.start)", "remembered_ids": "\(run.seen.count)",
                "acknowledged_ahead": "\(run.acknowledgedBeforeRestart.reduce(0) { $0 + $1.count })",
            ]
        )
        while !Task.isShuttingDownGracefully {
            try await cursorPass(&run)
            if Task.isShuttingDownGracefully { break }
            if case .backfill(_, let until) = mode {
                // A range ending inside the lookback window may still receive late rows.
                if until.map({ clock.now.duration(since: $0) < source.lookback }) ?? true {
                    try await overlapPass(&run)
                }
                return
            }
            try await overlapPass(&run)
            do {
                try await cancelWhenGracefulShutdown {
                    try await self.clock.sleep(for: self.source.pollInterval)
                }
            } catch is CancellationError {
                if Task.isShuttingDownGracefully { break }
                throw CancellationError()
            }
        }
        logger.info("source stopped", metadata: ["cursor": "\(run.cursor ?? "-")"])
    }

    private func baseQuery() -> ActivityQuery {
        var query = source.baseQuery
        query.order = .ascending
        return query
    }

    private func cursorPass(_ run: inout RunState) async throws {
        let startCursor = run.cursor
        var count = 0
        var lastRequestID: String?
        while true {
            var query = baseQuery()
            if let cursor = run.cursor {
                query.afterID = cursor
            } else {
                query.createdAt.gte = run.start
            }
            if case .backfill(_, let until) = mode { query.createdAt.lt = until }
            guard let page = try await fetch(query, &run) else { return }
            lastRequestID = page.requestID ?? lastRequestID
            count += page.data.count
            var resume: ResumePoint?
            if let lastID = page.lastID {
                let createdAt =
                    page.data.last(where: { $0.id == lastID })?.createdAt
                    ?? page.data.map(\.createdAt).max() ?? run.cursorCreatedAt ?? run.start
                resume = ResumePoint(id: lastID, createdAt: createdAt)
            }
            try await emit(page, resume: resume, late: false, startCursor: query.afterID, &run)
            if let resume {
                run.cursor = resume.id
                run.cursorCreatedAt = resume.createdAt
            }
            if !page.hasMore || page.lastID == nil || Task.isShuttingDownGracefully { break }
        }
        // The per-run provenance line compliance teams ask for (integration patterns guide).
        logger.info(
            "poll cycle",
            metadata: [
                "start_cursor": "\(startCursor ?? "-")", "last_id": "\(run.cursor ?? "-")", "count": "\(count)",
                "request_id": "\(lastRequestID ?? "-")",
            ]
        )
    }

    private func overlapPass(_ run: inout RunState) async throws {
        guard let cursorCreatedAt = run.cursorCreatedAt else { return }
        let now = clock.now
        let windowStart = now.adding(.zero - source.lookback)
        guard cursorCreatedAt >= windowStart else { return }
        run.lastOverlap = now
        var after: String?
        while !Task.isShuttingDownGracefully {
            var query = baseQuery()
            query.createdAt = CreatedAtFilter(gte: windowStart, lte: cursorCreatedAt)
            query.afterID = after
            guard let page = try await fetch(query, &run) else { return }
            try await emit(page, resume: nil, late: true, startCursor: query.afterID, &run)
            guard page.hasMore, let lastID = page.lastID else { return }
            after = lastID
        }
    }

    /// Fetches a page; `nil` when graceful shutdown interrupted the request.
    private func fetch(_ query: ActivityQuery, _ run: inout RunState) async throws -> CursorPage<Activity>? {
        // A replica resumed after a pause (SIGSTOP, a frozen VM) must not fetch before its lease
        // keeper has noticed the lease could be gone: checked right before each request.
        if let mayFetch, !mayFetch() {
            throw StateStoreError(.leaseLost, "fetching stopped: this replica's lease could have expired")
        }
        while true {
            do {
                let page = try await cancelWhenGracefulShutdown { try await self.client.fetchPage(query) }
                run.detector.noteRequest(page.requestID)
                return page
            } catch is CancellationError where Task.isShuttingDownGracefully {
                return nil
            } catch let error as ComplianceAPIError where !error.isRetryable {
                guard let wait = isolation.retryPermanentErrorsAfter else { throw error }
                logger.error(
                    "source failing; the other sources go on, this one asks again later",
                    metadata: ["error": "\(error)", "retry_in": "\(wait)"]
                )
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
                } catch {
                    return nil
                }
            }
        }
    }

    /// Turns a page into a batch: drops ids already emitted, tags (or drops) our own records,
    /// quarantines invalid records, registers the batch, and sends it to every sink.
    private func emit(
        _ page: CursorPage<Activity>,
        resume: ResumePoint?,
        late: Bool,
        startCursor: String?,
        _ run: inout RunState
    ) async throws {
        let horizon = clock.now.adding(.zero - DeduplicationHorizon.span(lookback: source.lookback))
        var events: [Event] = []
        var ids: [(String, RFC3339Timestamp)] = []
        var oldestCreatedAt: RFC3339Timestamp?
        var newestCreatedAt: RFC3339Timestamp?
        for activity in page.data {
            if run.seen.contains(activity.id) {
                metrics.duplicatesSuppressed.increment()
                continue
            }
            if activity.createdAt >= horizon {
                run.seen.insert(activity.id, createdAt: activity.createdAt)
                ids.append((activity.id, activity.createdAt))
            }
            oldestCreatedAt = min(oldestCreatedAt ?? activity.createdAt, activity.createdAt)
            newestCreatedAt = max(newestCreatedAt ?? activity.createdAt, activity.createdAt)
            if !ActivityMappingTable.isKnown(activity.type) { metrics.unknownTypes.increment() }
            let selfGenerated = run.detector.isSelfGenerated(activity)
            if selfGenerated {
                metrics.selfGenerated.increment()
                if source.dropSelfGenerated { continue }
            }
            events.append(
                Event(index: events.count, activity: activity, selfGenerated: selfGenerated, sourceName: source.name)
            )
        }
        if !page.invalidRecords.isEmpty {
            // Durable before the cursor can move past them.
            try deadLetters.write(
                page.invalidRecords.map {
                    DeadLetterWriter.Entry(stage: "source", name: "source", reason: $0.reason, record: $0.rawJSON)
                }
            )
            metrics.invalidRecords.increment(by: page.invalidRecords.count)
            logger.warning("quarantined invalid records", metadata: ["count": "\(page.invalidRecords.count)"])
        }
        metrics.fetched.increment(by: page.data.count)
        if late { metrics.lateArrivals.increment(by: events.count) }
        if late, !events.isEmpty {
            logger.info("late arrivals", metadata: ["count": "\(events.count)"])
        }
        run.fetched += page.data.count
        if resume == nil, ids.isEmpty, events.isEmpty { return }
        run.sequence += 1
        try checkpointer.register(
            BatchRecord(
                sequence: run.sequence,
                eventCount: events.count,
                resume: resume,
                ids: ids,
                eventIDs: events.map { ($0.activity.id, $0.activity.createdAt) }
            )
        )
        if !events.isEmpty {
            let provenance = BatchProvenance(
                startCursor: startCursor,
                lastID: page.lastID,
                count: page.data.count,
                requestID: page.requestID,
                late: late
            )
            try await fanOut(Batch(sequence: run.sequence, events: events, provenance: provenance), &run)
        }
        run.seen.prune(olderThan: horizon)
        onProgress?(
            Progress(fetched: run.fetched, oldestCreatedAt: oldestCreatedAt, newestCreatedAt: newestCreatedAt)
        )
    }

    /// Sends `batch` to every sink, less what a sink acknowledged before the restart: those
    /// events are acknowledged for it here instead (their indices stay, so the sink's own
    /// acknowledgements still name the right events).
    private func fanOut(_ batch: Batch, _ run: inout RunState) async throws {
        for (sink, output) in outputs.enumerated() {
            guard run.acknowledgedBeforeRestart.indices.contains(sink), !run.acknowledgedBeforeRestart[sink].isEmpty
            else {
                try await output.send(.batch(batch))
                continue
            }
            var send: [Event] = []
            var skipped: [Int] = []
            for event in batch.events {
                if run.acknowledgedBeforeRestart[sink].remove(event.activity.id) != nil {
                    skipped.append(event.index)
                } else {
                    send.append(event)
                }
            }
            guard !skipped.isEmpty else {
                try await output.send(.batch(batch))
                continue
            }
            checkpointer.acknowledge(sink: sink, batch: batch.sequence, events: skipped)
            resendSkipped[sink].increment(by: skipped.count)
            if !send.isEmpty {
                let rest = Batch(sequence: batch.sequence, events: send, provenance: batch.provenance)
                try await output.send(.batch(rest))
            }
        }
    }
}

/// The source's series.
struct PollerMetrics: Sendable {
    let fetched = Counter(label: "compliance_forwarder_activities_fetched_total")
    let lateArrivals = Counter(label: "compliance_forwarder_late_arrivals_total")
    let duplicatesSuppressed = Counter(label: "compliance_forwarder_duplicates_suppressed_total")
    let selfGenerated = Counter(label: "compliance_forwarder_self_generated_total")
    let invalidRecords = Counter(label: "compliance_forwarder_invalid_records_total")
    let unknownTypes = Counter(label: "compliance_forwarder_unknown_activity_types_total")
}
