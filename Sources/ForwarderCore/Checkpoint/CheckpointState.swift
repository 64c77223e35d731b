import ComplianceAPI

/// What the forwarder must remember to resume without loss: the committed cursor and the ids
/// delivered inside the overlap horizon; and, to resume without needless duplicates, what each
/// sink acknowledged beyond the cursor (``sinkProgress``).
///
/// A pure value. It only ever moves forward through ``apply(_:)`` with batches that every sink
/// has acknowledged, so whatever is persisted is safe to resume from: everything before the
/// cursor, and every id in ``delivered``, has been durably handed on.
public struct CheckpointState: Sendable, Hashable {
    /// The `last_id` of the newest cursor page every sink acknowledged (with all pages before it);
    /// `nil` until the first page is committed.
    public var cursor: String?
    /// The `created_at` of the record the cursor names (for the lag metric and humans).
    public var cursorCreatedAt: RFC3339Timestamp?
    /// Where the first cursor page starts (`created_at.gte`) while ``cursor`` is `nil`.
    public var start: RFC3339Timestamp
    /// Ids delivered recently, with their `created_at`: the overlap pass skips them.
    public var delivered: [String: RFC3339Timestamp]
    /// When the state last changed.
    public var updatedAt: RFC3339Timestamp?
    /// Per sink, the events it acknowledged in batches not yet committed: a restart does not
    /// send them to that sink again. Empty in checkpoints written before per-sink resume.
    public var sinkProgress: SinkProgress

    public init(
        start: RFC3339Timestamp,
        cursor: String? = nil,
        cursorCreatedAt: RFC3339Timestamp? = nil,
        delivered: [String: RFC3339Timestamp] = [:],
        updatedAt: RFC3339Timestamp? = nil,
        sinkProgress: SinkProgress = SinkProgress()
    ) {
        self.start = start
        self.cursor = cursor
        self.cursorCreatedAt = cursorCreatedAt
        self.delivered = delivered
        self.updatedAt = updatedAt
        self.sinkProgress = sinkProgress
    }

    /// Takes in a batch that every sink acknowledged (and all batches before it).
    public mutating func apply(_ batch: BatchRecord, now: RFC3339Timestamp) {
        if let resume = batch.resume {
            cursor = resume.id
            cursorCreatedAt = resume.createdAt
        }
        for (id, createdAt) in batch.ids {
            delivered[id] = createdAt
        }
        // Every sink has these now: the cursor (or the delivered set) covers them.
        sinkProgress.forget(batch.eventIDs.lazy.map(\.0))
        updatedAt = now
    }

    /// Forgets delivered ids older than `horizon`: the overlap pass never looks that far back;
    /// and per-sink entries no pass can read again (``SinkProgress/prune(cursorCreatedAt:horizon:)``).
    public mutating func prune(olderThan horizon: RFC3339Timestamp) {
        delivered = delivered.filter { $0.value >= horizon }
        sinkProgress.prune(cursorCreatedAt: cursorCreatedAt, horizon: horizon)
    }
}

/// Where a cursor page ends: the next page starts after it.
public struct ResumePoint: Sendable, Hashable {
    /// The page's `last_id`.
    public var id: String
    /// The `created_at` of that record.
    public var createdAt: RFC3339Timestamp

    public init(id: String, createdAt: RFC3339Timestamp) {
        self.id = id
        self.createdAt = createdAt
    }
}

/// What the checkpoint needs to know about one batch.
public struct BatchRecord: Sendable, Hashable {
    /// Consecutive from 1, in the order the source emitted them.
    public var sequence: UInt64
    /// Events every sink must acknowledge.
    public var eventCount: Int
    /// For cursor pages: where the next page starts. Overlap batches have none.
    public var resume: ResumePoint?
    /// The ids in the batch (and those filtered as already seen or self-generated), for the
    /// delivered set.
    public var ids: [(String, RFC3339Timestamp)]
    /// Each event's activity id and `created_at`, by event index, for per-sink resume
    /// (``SinkProgress``); empty when the batch's events are not tracked per sink.
    public var eventIDs: [(String, RFC3339Timestamp)]

    public init(
        sequence: UInt64,
        eventCount: Int,
        resume: ResumePoint?,
        ids: [(String, RFC3339Timestamp)],
        eventIDs: [(String, RFC3339Timestamp)] = []
    ) {
        self.sequence = sequence
        self.eventCount = eventCount
        self.resume = resume
        self.ids = ids
        self.eventIDs = eventIDs
    }

    public static func == (lhs: BatchRecord, rhs: BatchRecord) -> Bool {
        lhs.sequence == rhs.sequence && lhs.eventCount == rhs.eventCount && lhs.resume == rhs.resume
            && lhs.ids.map(\.0) == rhs.ids.map(\.0) && lhs.ids.map(\.1) == rhs.ids.map(\.1)
            && lhs.eventIDs.map(\.0) == rhs.eventIDs.map(\.0) && lhs.eventIDs.map(\.1) == rhs.eventIDs.map(\.1)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sequence)
    }
}
