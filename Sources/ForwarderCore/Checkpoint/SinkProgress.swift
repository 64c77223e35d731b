import ComplianceAPI

/// Per sink, the events it acknowledged beyond the common cursor: what per-sink resume keeps in
/// the checkpoint, so that after a crash each sink is sent only what it had not acknowledged.
///
/// The common cursor waits for the slowest sink; without this, a restart would re-send everything
/// after it to every sink, and a healthy sink beside a stalled one would receive the whole
/// in-flight window again at every restart. Entries say "sink *name* durably handed on activity
/// *id*", so honouring one can only save a duplicate, never lose an activity; dropping one only
/// costs a duplicate.
///
/// Sinks are identified by their configured name (stable across restarts). A pure value: no I/O.
/// It stays small because the only entries ever added are events of batches still pending in the
/// ``AcknowledgementTracker`` (bounded by the channels and the sinks' windows), and entries leave
/// when their batch commits (``forget(_:)``), when a sink is no longer configured
/// (``restricted(to:)``), or when no pass can read them again (``prune(cursorCreatedAt:horizon:)``).
public struct SinkProgress: Sendable, Hashable {
    /// Sink name → activity id → its `created_at`. No sink has an empty entry.
    public private(set) var acknowledged: [String: [String: RFC3339Timestamp]]

    public init(_ acknowledged: [String: [String: RFC3339Timestamp]] = [:]) {
        self.acknowledged = acknowledged.filter { !$0.value.isEmpty }
    }

    /// No sink is ahead of the common cursor.
    public var isEmpty: Bool { acknowledged.isEmpty }

    /// Entries over all sinks (for `checkpoint show` and logs).
    public var count: Int { acknowledged.values.reduce(0) { $0 + $1.count } }

    /// The ids `sink` acknowledged beyond the common cursor.
    public func ids(of sink: String) -> [String: RFC3339Timestamp] {
        acknowledged[sink] ?? [:]
    }

    /// Whether `sink` acknowledged `id` beyond the common cursor.
    public func contains(sink: String, id: String) -> Bool {
        acknowledged[sink]?[id] != nil
    }

    /// Records that `sink` acknowledged `id`.
    public mutating func insert(sink: String, id: String, createdAt: RFC3339Timestamp) {
        acknowledged[sink, default: [:]][id] = createdAt
    }

    /// Only the sinks named in `sinks`: a removed or renamed sink's entries are ignored, and a new
    /// sink has none, so it is sent everything after the common cursor. A name given to several
    /// sinks identifies none of them: its entries are dropped too.
    public func restricted(to sinks: [String]) -> SinkProgress {
        let names = Self.uniqueNames(sinks)
        return SinkProgress(acknowledged.filter { names.contains($0.key) })
    }

    /// The names that occur exactly once (configured sink names are unique; this guards
    /// pipelines built in code).
    static func uniqueNames(_ names: [String]) -> Set<String> {
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        return Set(counts.filter { $0.value == 1 }.keys)
    }

    /// Forgets `ids` for every sink: their batch is committed, the common cursor covers them.
    public mutating func forget(_ ids: some Sequence<String>) {
        guard !acknowledged.isEmpty else { return }
        for id in ids {
            for sink in Array(acknowledged.keys) {
                guard acknowledged[sink]?.removeValue(forKey: id) != nil else { continue }
                if acknowledged[sink]?.isEmpty == true { acknowledged[sink] = nil }
            }
        }
    }

    /// Forgets entries neither pass will read again, so none can linger when its id is never
    /// fetched again (a changed filter, a row gone from the feed): created before the cursor's
    /// record (the cursor pass reads after it) and before `horizon` (the overlap pass reads no
    /// further back). Entries ahead of the cursor stay however old they are (a backfill's).
    public mutating func prune(cursorCreatedAt: RFC3339Timestamp?, horizon: RFC3339Timestamp) {
        guard let cursorCreatedAt, !acknowledged.isEmpty else { return }
        let bound = min(cursorCreatedAt, horizon)
        acknowledged = acknowledged.compactMapValues { ids in
            let kept = ids.filter { $0.value >= bound }
            return kept.isEmpty ? nil : kept
        }
    }

    /// The union of both: every id either says a sink acknowledged.
    public func merging(_ other: SinkProgress) -> SinkProgress {
        var merged = self
        for (sink, ids) in other.acknowledged {
            merged.acknowledged[sink, default: [:]].merge(ids) { kept, _ in kept }
        }
        return merged
    }
}
