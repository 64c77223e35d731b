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
    public struct Configuration: Sendable {
        /// Follow the feed, or read one range and stop.
        public var mode: Mode
        public var pageSize: Int
        public var pollInterval: Duration
        public var lookback: Duration
        public var activityTypes: [String]
        public var excludeActivityTypes: [String]
        public var organizationIDs: [String]
        public var actorIDs: [String]
        public var dropSelfGenerated: Bool
        /// Per-sink channel bounds.
        public var channelEvents: Int
        public var channelBytes: Int
        public var checkpointFlushInterval: Duration

        /// The filters and page size every request carries (the one place they become a query);
        /// the poller adds order, cursors and time bounds.
        public var baseQuery: ActivityQuery {
            ActivityQuery(
                activityTypes: activityTypes,
                excludeActivityTypes: excludeActivityTypes,
                organizationIDs: organizationIDs,
                actorIDs: actorIDs,
                limit: pageSize
            )
        }

        public struct Mode: Sendable {
            let value: Poller.Configuration.Mode
            public static let follow = Mode(value: .follow)
            public static func backfill(since: RFC3339Timestamp, until: RFC3339Timestamp?) -> Mode {
                Mode(value: .backfill(since: since, until: until))
            }
        }

        public init(
            mode: Mode = .follow,
            pageSize: Int = 5000,
            pollInterval: Duration = .seconds(30),
            lookback: Duration = .seconds(600),
            activityTypes: [String] = [],
            excludeActivityTypes: [String] = [],
            organizationIDs: [String] = [],
            actorIDs: [String] = [],
            dropSelfGenerated: Bool = false,
            channelEvents: Int = 10_000,
            channelBytes: Int = 32 * 1024 * 1024,
            checkpointFlushInterval: Duration = .seconds(1)
        ) {
            self.mode = mode
            self.pageSize = pageSize
            self.pollInterval = pollInterval
            self.lookback = lookback
            self.activityTypes = activityTypes
            self.excludeActivityTypes = excludeActivityTypes
            self.organizationIDs = organizationIDs
            self.actorIDs = actorIDs
            self.dropSelfGenerated = dropSelfGenerated
            self.channelEvents = channelEvents
            self.channelBytes = channelBytes
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

    /// - Parameters:
    ///   - initialState: The loaded checkpoint, or a fresh one for the configured start.
    public init(
        configuration: Configuration,
        client: ComplianceClient,
        sinks: [any Sink],
        checkpointStore: CheckpointStore,
        initialState: CheckpointState,
        deadLetters: DeadLetterWriter,
        clock: any APIClock = SystemAPIClock(),
        logger: Logger,
        onProgress: (@Sendable (Int, RFC3339Timestamp?, RFC3339Timestamp?) -> Void)? = nil
    ) {
        self.configuration = configuration
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
            horizon: DeduplicationHorizon.span(lookback: configuration.lookback),
            clock: clock,
            logger: logger
        )
        self.channels = sinks.map { _ in
            SinkChannel(maximumEvents: configuration.channelEvents, maximumBytes: configuration.channelBytes)
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
            configuration: .init(
                mode: configuration.mode.value,
                query: configuration.baseQuery,
                pollInterval: configuration.pollInterval,
                lookback: configuration.lookback,
                dropSelfGenerated: configuration.dropSelfGenerated
            ),
            checkpointer: checkpointer,
            outputs: channels,
            deadLetters: deadLetters,
            clock: clock,
            logger: logger,
            onProgress: progress
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
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, sink) in sinks.enumerated() {
                        let context = SinkContext(
                            index: index,
                            name: sink.name,
                            acknowledger: checkpointer,
                            deadLetters: deadLetters,
                            logger: logger.with(sink: sink.name),
                            metrics: sinkMetrics[index]
                        )
                        let channel = channels[index]
                        group.addTask { try await SinkDriver.run(sink, from: channel, context: context) }
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
            try? checkpointer.flush()
            throw error
        }
        try checkpointer.flush()
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
