import ComplianceAPI

/// One activity on its way to the sinks.
public struct Event: Sendable {
    /// The position in its batch: what a sink acknowledges.
    public var index: Int
    public var activity: Activity
    /// Produced by this forwarder's own polling (a `compliance_api_accessed` record of our key).
    public var selfGenerated: Bool

    public init(index: Int, activity: Activity, selfGenerated: Bool = false) {
        self.index = index
        self.activity = activity
        self.selfGenerated = selfGenerated
    }
}

/// One page's worth of events, as the source emitted it.
public struct Batch: Sendable {
    public let sequence: UInt64
    public let events: [Event]
    /// Bytes of original JSON: what bounds the channels' memory. Computed once; the channel weighs
    /// a batch on every send and receive.
    public let byteSize: Int

    public init(sequence: UInt64, events: [Event]) {
        self.sequence = sequence
        self.events = events
        self.byteSize = events.reduce(0) { $0 + $1.activity.rawJSONByteCount }
    }
}

/// What flows through a sink's channel: the source's batches, and the `.tick` of the sink's own
/// timer (``Sink/tickInterval``) for time-based work such as rotating an old archive segment or
/// pruning the syslog resend window, which must happen even while the source is stuck.
public enum SinkInput: Sendable {
    case batch(Batch)
    case tick
}
