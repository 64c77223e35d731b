/// Which events each sink has acknowledged, and which batches are therefore safe to commit.
///
/// A pure value with no I/O. The source registers every batch (in sequence order) before any
/// sink sees it; sinks acknowledge events individually and in any order (an HTTP sink may
/// deliver item 7 before a retried item 3), possibly more than once (a syslog sink resends after
/// a reconnect). ``takeCommittable()`` returns the longest prefix of batches that every sink has
/// fully acknowledged: the checkpoint may advance to the last of them, never further.
public struct AcknowledgementTracker: Sendable {
    private struct Pending: Sendable {
        var record: BatchRecord
        /// One bit per event per sink.
        var acknowledged: [[UInt64]]
        var remaining: [Int]

        var isComplete: Bool { remaining.allSatisfy { $0 == 0 } }
    }

    /// The number of sinks that must acknowledge each event.
    public let sinkCount: Int
    private var pending: [Pending] = []
    private var firstSequence: UInt64?

    public init(sinkCount: Int) {
        self.sinkCount = sinkCount
    }

    /// Batches registered and not yet taken.
    public var pendingCount: Int { pending.count }

    /// Events registered and not yet acknowledged by every sink.
    public var unacknowledgedEvents: Int {
        pending.reduce(0) { $0 + ($1.remaining.max() ?? 0) }
    }

    /// Registers the next batch. Sequences must be consecutive.
    public mutating func register(_ record: BatchRecord) throws(TrackerError) {
        if let last = pending.last?.record.sequence ?? firstSequence.map({ $0 - 1 }), record.sequence != last + 1 {
            throw TrackerError(message: "batch \(record.sequence) registered after \(last)")
        }
        if firstSequence == nil { firstSequence = record.sequence }
        let words = (record.eventCount + 63) / 64
        pending.append(
            Pending(
                record: record,
                acknowledged: Array(repeating: Array(repeating: 0, count: words), count: sinkCount),
                remaining: Array(repeating: record.eventCount, count: sinkCount)
            )
        )
    }

    /// Records that `sink` durably handed on event `index` of batch `sequence`. Repeated
    /// acknowledgements are ignored; an unknown batch or an index out of range is an error.
    ///
    /// - Returns: whether the acknowledgement is new (not a repeat).
    @discardableResult
    public mutating func acknowledge(sink: Int, batch sequence: UInt64, event index: Int) throws(TrackerError) -> Bool {
        guard let position = position(of: sequence) else {
            throw TrackerError(message: "acknowledgement for unknown batch \(sequence)")
        }
        guard sink >= 0, sink < sinkCount, index >= 0, index < pending[position].record.eventCount else {
            throw TrackerError(message: "acknowledgement out of range: sink \(sink), batch \(sequence), event \(index)")
        }
        let word = index / 64
        let bit = UInt64(1) << UInt64(index % 64)
        guard pending[position].acknowledged[sink][word] & bit == 0 else { return false }
        pending[position].acknowledged[sink][word] |= bit
        pending[position].remaining[sink] -= 1
        return true
    }

    /// What each sink acknowledged in the batches not yet taken, by activity id: the per-sink
    /// part of the checkpoint (``SinkProgress``). `sinkNames` are the sinks in index order; a
    /// name given to more than one sink identifies neither, so those sinks are left out.
    /// Batches registered without ``BatchRecord/eventIDs`` contribute nothing.
    public func progress(sinkNames: [String]) -> SinkProgress {
        var progress = SinkProgress()
        let unique = SinkProgress.uniqueNames(sinkNames)
        for batch in pending where batch.record.eventIDs.count == batch.record.eventCount {
            for (sink, name) in sinkNames.enumerated() where sink < sinkCount && unique.contains(name) {
                // A sink with nothing acknowledged in this batch costs one comparison.
                guard batch.remaining[sink] < batch.record.eventCount else { continue }
                for (word, bits) in batch.acknowledged[sink].enumerated() where bits != 0 {
                    for bit in 0..<64 where bits & (UInt64(1) << UInt64(bit)) != 0 {
                        let (id, createdAt) = batch.record.eventIDs[word * 64 + bit]
                        progress.insert(sink: name, id: id, createdAt: createdAt)
                    }
                }
            }
        }
        return progress
    }

    /// Removes and returns the batches, oldest first, that every sink has fully acknowledged and
    /// that have no incomplete batch before them.
    public mutating func takeCommittable() -> [BatchRecord] {
        var count = 0
        while count < pending.count, pending[count].isComplete { count += 1 }
        guard count > 0 else { return [] }
        let taken = pending[0..<count].map(\.record)
        pending.removeFirst(count)
        firstSequence = (taken.last?.sequence ?? 0) + 1
        return taken
    }

    private func position(of sequence: UInt64) -> Int? {
        guard let first = pending.first?.record.sequence, sequence >= first else { return nil }
        let offset = Int(sequence - first)
        return offset < pending.count ? offset : nil
    }
}

/// A misuse of ``AcknowledgementTracker`` (a bug, not bad input).
public struct TrackerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "acknowledgement tracker: \(message)" }
}
