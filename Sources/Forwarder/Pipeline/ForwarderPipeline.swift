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
        /// `source`: the filters, page size and pacing of every request (the single-source
        /// initializer's source; with several, each ``SourceInput`` carries its own).
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

    /// One source's parts: its client, where its checkpoint lives and where it resumes.
    public struct SourceInput: Sendable {
        public var source: ForwarderConfiguration.Source
        public var client: ComplianceClient
        public var checkpointStore: any CheckpointBackend
        /// Where the source resumes: the committed state, or a fresh one at its `start`.
        public var initialState: CheckpointState

        /// - Parameter committed: The loaded checkpoint; `nil` starts at `source.start`, resolved
        ///   against `now`.
        public init(
            _ source: ForwarderConfiguration.Source,
            client: ComplianceClient,
            checkpoint: any CheckpointBackend,
            committed: CheckpointState?,
            now: RFC3339Timestamp
        ) {
            (self.source, self.client, checkpointStore) = (source, client, checkpoint)
            initialState = committed ?? CheckpointState(start: source.start.resolved(now: now))
        }
    }

    /// A source running in the pipeline.
    struct RunningSource: Sendable {
        var source: ForwarderConfiguration.Source
        var client: ComplianceClient
        var checkpointer: Checkpointer
    }

    public let configuration: Configuration
    /// The first source's checkpointer (with `source:`, the only one).
    public var checkpointer: Checkpointer { sources[0].checkpointer }
    /// Every source's checkpointer, in configuration order.
    public var checkpointers: [Checkpointer] { sources.map(\.checkpointer) }
    public let sinks: [any Sink]
    /// One per sink, in order: the channel depth gauges and `/readyz` read them.
    public let sinkMetrics: [SinkMetrics]
    public let channelDepths: [SinkChannel.Depth]
    /// Never empty: the first is the initialiser's `source`.
    let sources: [RunningSource]
    private let channels: [SinkChannel]
    /// Where permanently rejected events go (SIGHUP finalises its files).
    public let deadLetters: DeadLetterWriter
    private let clock: any APIClock
    private let logger: Logger
    private let onProgress: (@Sendable (Int, RFC3339Timestamp?, RFC3339Timestamp?) -> Void)?
    private let mayFetch: (@Sendable () -> Bool)?

    /// One or several sources sharing the sinks (`sources:`); `configuration.source` is not used.
    ///
    /// - Parameters:
    ///   - mayFetch: Asked before every request to the API (the lease's fence); `false` stops the
    ///     pipeline with ``StateStoreError`` `leaseLost`.
    ///
    /// Each source has its own poller, cursor, remembered ids and checkpoint; with several, a
    /// source that fails for good (401, 403, 404) waits and asks again instead of stopping the others.
    public init(
        configuration: Configuration,
        source: SourceInput,
        additionalSources: [SourceInput] = [],
        sinks: [any Sink],
        deadLetters: DeadLetterWriter,
        clock: any APIClock = SystemAPIClock(),
        logger: Logger,
        onProgress: (@Sendable (Int, RFC3339Timestamp?, RFC3339Timestamp?) -> Void)? = nil,
        mayFetch: (@Sendable () -> Bool)? = nil
    ) {
        self.configuration = configuration
        self.mayFetch = mayFetch
        self.sinks = sinks
        self.deadLetters = deadLetters
        self.clock = clock
        self.logger = logger
        self.onProgress = onProgress
        self.sources = ([source] + additionalSources).map { input in
            RunningSource(
                source: input.source,
                client: input.client,
                checkpointer: Checkpointer(
                    store: input.checkpointStore,
                    initial: input.initialState,
                    sinkNames: sinks.map(\.name),
                    horizon: DeduplicationHorizon.span(lookback: input.source.lookback),
                    clock: clock,
                    logger: logger.with(source: input.source.name)
                )
            )
        }
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
        let several = sources.count > 1
        let pollers = sources.enumerated().map { index, running in
            Poller(
                client: running.client,
                mode: configuration.mode,
                source: running.source,
                checkpointer: running.checkpointer,
                outputs: channels,
                deadLetters: deadLetters,
                clock: clock,
                logger: logger.with(source: running.source.name),
                onProgress: progress,
                mayFetch: mayFetch,
                isolation: .init(
                    sequenceBase: UInt64(index) << SourceAcknowledgements.sequenceShift,
                    retryPermanentErrorsAfter: several ? .seconds(60) : nil
                )
            )
        }
        let acknowledger: any Acknowledger =
            several ? SourceAcknowledgements(checkpointers: checkpointers) : checkpointer
        let depthGauges = sinks.map {
            Gauge(label: "compliance_forwarder_channel_depth_events", dimensions: [("sink", $0.name)])
        }
        defer { deadLetters.close() }
        do {
            try await withThrowingTaskGroup(of: Void.self) { background in
                for checkpointer in checkpointers {
                    background.addTask { [configuration] in
                        try await checkpointer.runFlushLoop(interval: configuration.checkpointFlushInterval)
                    }
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
                            acknowledger: acknowledger,
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
                        // The sinks' input ends when every source has stopped.
                        defer { for channel in channels { channel.finish() } }
                        try await withThrowingTaskGroup(of: Void.self) { sources in
                            for poller in pollers { sources.addTask { try await poller.run() } }
                            try await sources.waitForAll()
                        }
                    }
                    try await group.waitForAll()
                }
                background.cancelAll()
            }
        } catch {
            for checkpointer in checkpointers { try? await checkpointer.flush() }
            throw error
        }
        for checkpointer in checkpointers { try await checkpointer.flush() }
        logger.info("pipeline stopped", metadata: ["cursor": "\(checkpointer.committed.cursor ?? "-")"])
    }
}

extension Logger {
    func with(sink: String) -> Logger {
        var logger = self
        logger[metadataKey: "sink"] = "\(sink)"
        return logger
    }

    /// Log lines of a named source (`sources:`) say which; a single `source:` adds nothing.
    func with(source: String?) -> Logger {
        guard let source else { return self }
        var logger = self
        logger[metadataKey: "source"] = "\(source)"
        return logger
    }
}
