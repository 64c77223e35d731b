import ComplianceAPI
import Crypto
import ForwarderCore

/// One activity on its way to the sinks.
public struct Event: Sendable {
    /// The position in its batch: what a sink acknowledges.
    public var index: Int
    public var activity: Activity
    /// Produced by this forwarder's own polling (a `compliance_api_accessed` record of our key).
    public var selfGenerated: Bool
    /// SHA-256 of the record's original bytes, computed here once for every sink and the archive.
    public let recordHash: RecordHash
    /// The source's name with several sources (`sources[].name`), written into ECS and CEF.
    public var sourceName: String?

    public init(index: Int, activity: Activity, selfGenerated: Bool = false, sourceName: String? = nil) {
        self.index = index
        self.activity = activity
        self.selfGenerated = selfGenerated
        self.sourceName = sourceName
        self.recordHash = activity.withRawJSONBytes { bytes in
            var hasher = Crypto.SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
            return RecordHash(hasher.finalize())
        }
    }
}

/// One page's worth of events, as the source emitted it.
public struct Batch: Sendable {
    public let sequence: UInt64
    public let events: [Event]
    /// Bytes of original JSON: what bounds the channels' memory. Computed once; the channel weighs
    /// a batch on every send and receive.
    public let byteSize: Int
    /// Which API request produced the batch: what the archive's completeness records hold.
    public let provenance: BatchProvenance?

    public init(sequence: UInt64, events: [Event], provenance: BatchProvenance? = nil) {
        self.sequence = sequence
        self.events = events
        self.byteSize = events.reduce(0) { $0 + $1.activity.rawJSONByteCount }
        self.provenance = provenance
    }
}

/// The page a batch came from: the poller's per-request provenance (start cursor, `last_id`,
/// count, `request-id`), kept with the records in the archive so an auditor can tie every record
/// to the API request that returned it.
public struct BatchProvenance: Sendable, Hashable {
    /// The request's `after_id`, or `nil` when it started from a time (`created_at.gte`).
    public var startCursor: String?
    /// The page's `last_id`.
    public var lastID: String?
    /// Records the page returned (before de-duplication).
    public var count: Int
    /// The response's `request-id` header.
    public var requestID: String?
    /// Whether the page came from the overlap re-read (late arrivals) rather than the cursor.
    public var late: Bool

    public init(startCursor: String?, lastID: String?, count: Int, requestID: String?, late: Bool) {
        self.startCursor = startCursor
        self.lastID = lastID
        self.count = count
        self.requestID = requestID
        self.late = late
    }
}

/// What flows through a sink's channel: the source's batches, and the `.tick` of the sink's own
/// timer (``Sink/tickInterval``) for time-based work such as rotating an old archive segment or
/// pruning the syslog resend window, which must happen even while the source is stuck.
public enum SinkInput: Sendable {
    case batch(Batch)
    case tick
}
