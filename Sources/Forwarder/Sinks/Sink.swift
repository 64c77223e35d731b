import ForwarderCore
import Logging

/// A destination for activities: the file archive, syslog, HTTP, the terminal.
///
/// A sink consumes its input until the stream ends, acknowledging each event through its
/// ``SinkContext`` once the event is **durably** handed on (flushed and `fsync`ed, written and
/// flushed to the socket, accepted with a 2xx, or written to the dead-letter file after a
/// permanent rejection). Before returning it flushes what it holds. It throws only for failures
/// it cannot retry (the pipeline then stops, and the checkpoint keeps what was acknowledged).
public protocol Sink: Sendable {
    /// The configured name (metrics, logs, dead-letter files).
    var name: String { get }
    /// Consumes `input` until it ends.
    ///
    /// Besides batches, `input` carries a `.tick` about every ``tickInterval`` from the sink's own
    /// timer, whatever the source is doing: the moment for time-based work (rotating an old
    /// segment, pruning the resend window).
    func run(input: SinkChannel.Stream, context: SinkContext) async throws
    /// How often `input` carries a `.tick`. Defaults to one second.
    var tickInterval: Duration { get }
    /// Whether the sink seals archive segments and publishes an `archive_segment_sealed` event
    /// for each (``SinkContext/publish(_:)``). Defaults to `false`.
    var publishesArchiveAnchors: Bool { get }
    /// Whether the sink sends the other sinks' `archive_segment_sealed` events to its receiver
    /// (``SinkContext/anchorInbox``). Defaults to `false`.
    var receivesArchiveAnchors: Bool { get }
}

extension Sink {
    public var tickInterval: Duration { .seconds(1) }
    public var publishesArchiveAnchors: Bool { false }
    public var receivesArchiveAnchors: Bool { false }
}

/// What a sink reports to and uses from the pipeline.
public struct SinkContext: Sendable {
    /// The sink's position, for acknowledgements.
    public let index: Int
    public let name: String
    let acknowledger: any Acknowledger
    public let deadLetters: DeadLetterWriter
    public let logger: Logger
    public let metrics: SinkMetrics
    /// Where `archive_segment_sealed` events go, and come from; `nil` outside a pipeline that
    /// has both a publishing and a receiving sink.
    var anchors: ArchiveAnchorRoutes? = nil

    /// Hands an `archive_segment_sealed` event to the receiving sinks. Never waits: anchors are
    /// not activities and must not hold up the archive (see ``ArchiveAnchorRoutes``).
    public func publish(_ anchor: ArchiveAnchor) {
        anchors?.publish(anchor, from: index)
    }

    /// This sink's anchors to send, when it receives them.
    var anchorInbox: ArchiveAnchorInbox? { anchors?.inbox(for: index) }

    /// Waits until no sink can publish more anchors (after shutdown's last seals).
    func waitForAnchorPublishers() async {
        await anchors?.waitForPublishers()
    }

    /// Acknowledges events of a batch (delivered or dead-lettered).
    public func acknowledge(batch: UInt64, events: some Sequence<Int>) {
        acknowledger.acknowledge(sink: index, batch: batch, events: events)
    }

    /// Acknowledges a whole batch.
    public func acknowledge(_ batch: Batch) {
        acknowledge(batch: batch.sequence, events: batch.events.map(\.index))
    }
}

/// Receives acknowledgements (the checkpointer).
public protocol Acknowledger: Sendable {
    func acknowledge(sink: Int, batch: UInt64, events: some Sequence<Int>)
}
