import AsyncHTTPClient
import ComplianceAPI
import ForwarderCore
import Logging
import ServiceLifecycle

/// Builds the forwarder from a validated configuration.
public enum ForwarderRuntime {
    /// One pipeline with its own checkpoint file (the file backend, `backfill`, `demo`).
    public struct Assembly: Sendable {
        public var pipeline: ForwarderPipeline
        public var client: ComplianceClient
        public var checkpointStore: CheckpointStore
        /// What `/readyz` reports.
        public var readiness: Readiness
        /// Closes the file sinks' active segments on request (SIGHUP).
        public var fileRotation: FileRotationRequest
    }

    /// What `run` starts, whichever the state backend.
    public struct Process: Sendable {
        /// The pipeline (file backend), or the pipeline under a lease (PostgreSQL).
        public var service: any Service
        public var client: ComplianceClient
        public var readiness: Readiness
        public var fileRotation: FileRotationRequest
        public var deadLetters: DeadLetterWriter
        /// This replica's role; `nil` with the file backend (always active).
        public var lease: LeaseStatus?
    }

    /// - Parameters:
    ///   - checkpointPath: Overrides `checkpoint.path` (backfills keep their own file).
    ///   - extraSinks: Sinks added after the configured ones (the demo's terminal output).
    ///   - onProgress: Called after each page with the events fetched so far and the oldest and
    ///     newest `created_at` of the page's new records (`backfill`'s progress bar).
    public static func make(
        configuration: ForwarderConfiguration,
        mode: ForwarderPipeline.Configuration.Mode = .follow,
        checkpointPath: String? = nil,
        extraSinks: [any Sink] = [],
        clock: any APIClock = SystemAPIClock(),
        logger: Logger,
        onProgress: (@Sendable (Int, RFC3339Timestamp?, RFC3339Timestamp?) -> Void)? = nil
    ) throws -> Assembly {
        let client = ComplianceClient(
            configuration: configuration.source.clientConfiguration(),
            clock: clock,
            logger: logger
        )
        let store = CheckpointStore(path: checkpointPath ?? configuration.checkpoint.path)
        let rotation = FileRotationRequest()
        let pipeline = try makePipeline(
            configuration: configuration,
            mode: mode,
            checkpoint: store,
            committed: try store.load(),
            client: client,
            rotation: rotation,
            deadLetters: DeadLetterWriter(directory: configuration.deadLetter.directory),
            extraSinks: extraSinks,
            clock: clock,
            logger: logger,
            onProgress: onProgress
        )
        let readiness = Readiness(
            client: client,
            checkpointer: pipeline.checkpointer,
            checkpointPath: checkpointPath ?? configuration.checkpoint.path,
            sinks: zip(pipeline.sinks, pipeline.sinkMetrics).map { ($0.name, $1.health) }
        )
        return Assembly(
            pipeline: pipeline,
            client: client,
            checkpointStore: store,
            readiness: readiness,
            fileRotation: rotation
        )
    }

    /// `run`'s service for the configured `state.backend`.
    ///
    /// - Parameter holder: This replica's name in the lease row (PostgreSQL).
    public static func makeProcess(
        configuration: ForwarderConfiguration,
        holder: String = LeaseHolder.make(),
        logger: Logger
    ) throws -> Process {
        guard case .postgres(let postgres) = configuration.state.backend else {
            let parts = try make(configuration: configuration, logger: logger)
            return Process(
                service: parts.pipeline,
                client: parts.client,
                readiness: parts.readiness,
                fileRotation: parts.fileRotation,
                deadLetters: parts.pipeline.deadLetters
            )
        }
        let client = ComplianceClient(configuration: configuration.source.clientConfiguration(), logger: logger)
        let rotation = FileRotationRequest()
        let deadLetters = DeadLetterWriter(directory: configuration.deadLetter.directory)
        let status = LeaseStatus()
        let readiness = Readiness(client: client, lease: status)
        let store = try PostgresStateStore(configuration: postgres, holder: holder, logger: logger)
        let service = LeasedPipeline(
            store: store,
            lease: postgres.lease,
            status: status,
            readiness: readiness,
            logger: logger
        ) { checkpoint, committed, mayFetch in
            try makePipeline(
                configuration: configuration,
                checkpoint: checkpoint,
                committed: committed,
                client: client,
                rotation: rotation,
                deadLetters: deadLetters,
                logger: logger,
                mayFetch: mayFetch
            )
        }
        return Process(
            service: service,
            client: client,
            readiness: readiness,
            fileRotation: rotation,
            deadLetters: deadLetters,
            lease: status
        )
    }

    /// A pipeline resuming from `committed`, or from the configured start when there is none.
    static func makePipeline(
        configuration: ForwarderConfiguration,
        mode: ForwarderPipeline.Configuration.Mode = .follow,
        checkpoint: any CheckpointBackend,
        committed: CheckpointState?,
        client: ComplianceClient,
        rotation: FileRotationRequest,
        deadLetters: DeadLetterWriter,
        extraSinks: [any Sink] = [],
        clock: any APIClock = SystemAPIClock(),
        logger: Logger,
        onProgress: (@Sendable (Int, RFC3339Timestamp?, RFC3339Timestamp?) -> Void)? = nil,
        mayFetch: (@Sendable () -> Bool)? = nil
    ) throws -> ForwarderPipeline {
        let source = configuration.source
        let initial = committed ?? CheckpointState(start: source.start.resolved(now: clock.now))
        var sinks: [any Sink] = []
        for sink in configuration.sinks {
            sinks.append(try makeSink(sink, rotation: rotation, logger: logger))
        }
        sinks += extraSinks
        return ForwarderPipeline(
            configuration: .init(
                mode: mode,
                source: source,
                pipeline: configuration.pipeline,
                checkpointFlushInterval: configuration.checkpoint.flushInterval
            ),
            client: client,
            sinks: sinks,
            checkpointStore: checkpoint,
            initialState: initial,
            deadLetters: deadLetters,
            clock: clock,
            logger: logger,
            onProgress: onProgress,
            mayFetch: mayFetch
        )
    }

    static func makeSink(
        _ sink: ForwarderConfiguration.Sink,
        rotation: FileRotationRequest? = nil,
        logger: Logger
    ) throws -> any Sink {
        // Unknown types are counted once, by the poller; the sinks only encode.
        let encoder = EventEncoder(format: sink.format)
        switch sink.destination {
        case .file(let file):
            return FileSink(name: sink.name, configuration: file, encoder: encoder, rotation: rotation)
        case .syslog(let syslog):
            return SyslogSink(name: sink.name, configuration: syslog, encoder: encoder)
        case .http:
            return try HTTPSink.make(from: sink, encoder: encoder)
        }
    }
}
