import ComplianceAPI
import ForwarderCore
import Logging
import Metrics
import ServiceLifecycle

/// The whole path from the feed to the sinks, as one `Service`.
///
/// ```
/// Poller ──► SinkChannel (bounded) ──► Sink A ─┐
///        ──► SinkChannel (bounded) ──► Sink B ─┤ acknowledgements
///                                              ▼
///                                        Checkpointer ──► checkpoint file
/// ```
///
/// On graceful shutdown the poller stops fetching, the channels are finished, every sink drains
/// what is queued and flushes, and the checkpoint is written last. If the grace period runs out,
/// `ServiceGroup` cancels: the checkpoint then holds whatever was acknowledged, which is always a
/// safe place to resume (at worst some events are sent again).
public final class ForwarderPipeline: Service {
    /// The validated configuration's pieces the pipeline reads, taken whole.
    public struct Configuration: Sendable {
        /// Follow the feed, or read one range and stop.
        public enum Mode: Sendable {
            /// Follow the feed until shutdown.
            case follow
            /// Read `[since, until)` once and return.
            case backfill(since: RFC3339Timestamp, until: RFC3339Timestamp?)
        }

        public var mode: Mode
        /// `source`: the filters, page size and pacing of every request.
        public var source: ForwarderConfiguration.Source
        /// `pipeline`: the bound on each sink's channel.
        public var pipeline: ForwarderConfiguration.Pipeline
        /// `checkpoint.flush_interval`.
        public var checkpointFlushInterval: Duration

        public init(
            mode: Mode = .follow,
            source: ForwarderConfiguration.Source,
            pipeline: ForwarderConfiguration.Pipeline = .init(),
            checkpointFlushInterval: Duration = ForwarderConfiguration.Checkpoint.defaultFlushInterval
        ) {
            self.mode = mode
            self.source = source
            self.pipeline = pipeline
            self.checkpointFlushInterval = checkpointFlushInterval
        }
    }

    public let configuration: Configuration
    public let checkpointer: Checkpointer
    public let sinks: [any Sink]
    /// One per sink, in order: the channel depth gauges and `/readyz` read them.
    public let sinkMetrics: [SinkMetrics]
    public let channelDepths: [SinkChannel.Depth]
    private let client: ComplianceClient
    private let channels: [SinkChannel]
    /// Where permanently rejected events go (SIGHUP finalises its files).
    public let deadLetters: DeadLetterWriter
    private let clock: any APIClock
    private let logger: Logger
    private let onProgress: (@Sendable (Int, RFC3339Timestamp?, RFC3339Timestamp?) -> Void)?
    private let mayFetch: (@Sendable () -> Bool)?

    /// - Parameters:
    ///   - initialState: The loaded checkpoint, or a fresh one for the configured start.
    ///   - mayFetch: Asked before every request to the API (the lease's fence); `false` stops the
    ///     pipeline with ``StateStoreError`` `leaseLost`.
    public init(
        configuration: Configuration,
        client: ComplianceClient,
        sinks: [any Sink],
        checkpointStore: any CheckpointBackend,
        initialState: CheckpointState,
        deadLetters: DeadLetterWriter,
        clock: any APIClock = SystemAPIClock(),
        logger: Logger,
        onProgress: (@Sendable (Int, RFC3339Timestamp?, RFC3339Timestamp?) -> Void)? = nil,
        mayFetch: (@Sendable () -> Bool)? = nil
    ) {
        self.configuration = configuration
        self.mayFetch = mayFetch
        self.client = client
        self.sinks = sinks
        self.deadLetters = deadLetters
        self.clock = clock
        self.logger = logger
        self.onProgress = onProgress
        self.checkpointer = Checkpointer(
            store: checkpointStore,
            initial: initialState,
            sinkCount: sinks.count,
            horizon: DeduplicationHorizon.span(lookback: configuration.source.lookback),
            clock: clock,
            logger: logger
        )
        self.channels = sinks.map { _ in
            SinkChannel(
                maximumEvents: configuration.pipeline.channel.maximumEvents,
                maximumBytes: configuration.pipeline.channel.maximumBytes
            )
        }
        self.channelDepths = channels.map(\.depth)
        self.sinkMetrics = sinks.map { SinkMetrics(sink: $0.name) }
    }

    public func run() async throws {
        var progress: (@Sendable (Poller.Progress) -> Void)?
        if let onProgress {
            progress = { @Sendable update in
                onProgress(update.fetched, update.oldestCreatedAt, update.newestCreatedAt)
            }
        }
        let poller = Poller(
            client: client,
            mode: configuration.mode,
            source: configuration.source,
            checkpointer: checkpointer,
            outputs: channels,
            deadLetters: deadLetters,
            clock: clock,
            logger: logger,
            onProgress: progress,
            mayFetch: mayFetch
        )
        let depthGauges = sinks.map {
            Gauge(label: "compliance_forwarder_channel_depth_events", dimensions: [("sink", $0.name)])
        }
        defer { deadLetters.close() }
        do {
            try await withThrowingTaskGroup(of: Void.self) { background in
                background.addTask { [checkpointer, configuration] in
                    try await checkpointer.runFlushLoop(interval: configuration.checkpointFlushInterval)
                }
                background.addTask { [channelDepths] in
                    while !Task.isCancelled {
                        for (gauge, depth) in zip(depthGauges, channelDepths) { gauge.record(depth.events) }
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
                let anchors = ArchiveAnchorRoutes(sinks: sinks)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, sink) in sinks.enumerated() {
                        let context = SinkContext(
                            index: index,
                            name: sink.name,
                            acknowledger: checkpointer,
                            deadLetters: deadLetters,
                            logger: logger.with(sink: sink.name),
                            metrics: sinkMetrics[index],
                            anchors: anchors
                        )
                        let channel = channels[index]
                        group.addTask {
                            // Receivers wait for the last seals of shutdown before they finish.
                            defer { if sink.publishesArchiveAnchors { anchors?.publisherFinished() } }
                            try await SinkDriver.run(sink, from: channel, context: context)
                        }
                    }
                    group.addTask { [channels] in
                        defer { for channel in channels { channel.finish() } }
                        try await poller.run()
                    }
                    try await group.waitForAll()
                }
                background.cancelAll()
            }
        } catch {
            try? await checkpointer.flush()
            throw error
        }
        try await checkpointer.flush()
        logger.info("pipeline stopped", metadata: ["cursor": "\(checkpointer.committed.cursor ?? "-")"])
    }
}

extension Logger {
    func with(sink: String) -> Logger {
        var logger = self
        logger[metadataKey: "sink"] = "\(sink)"
        return logger
    }
}
