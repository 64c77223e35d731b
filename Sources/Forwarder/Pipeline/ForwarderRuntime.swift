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
        /// Each source's name (`nil` for a single `source:`) and client, in configuration order.
        public var clients: [(name: String?, client: ComplianceClient)]
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
        let clients = makeClients(configuration, clock: clock, logger: logger)
        let checkpoint = ForwarderConfiguration.Checkpoint(path: checkpointPath ?? configuration.checkpoint.path)
        let stores = configuration.sources.map { CheckpointStore(path: checkpoint.path(for: $0)) }
        let rotation = FileRotationRequest()
        var committed: [CheckpointState?] = []
        for store in stores { committed.append(try store.load()) }
        let pipeline = try makePipeline(
            configuration: configuration,
            mode: mode,
            checkpoints: Array(zip(stores.map { $0 as any CheckpointBackend }, committed)),
            clients: clients,
            rotation: rotation,
            deadLetters: DeadLetterWriter(directory: configuration.deadLetter.directory),
            extraSinks: extraSinks,
            clock: clock,
            logger: logger,
            onProgress: onProgress
        )
        let readiness = Readiness(
            sources: zip(configuration.sources, clients).map { ($0.name, $1) },
            checkpointers: pipeline.checkpointers,
            checkpointPath: checkpoint.path,
            sinks: zip(pipeline.sinks, pipeline.sinkMetrics).map { ($0.name, $1.health) }
        )
        return Assembly(
            pipeline: pipeline,
            client: clients[0],
            checkpointStore: stores[0],
            readiness: readiness,
            fileRotation: rotation
        )
    }

    /// One client per source, each with its own key and rate budget.
    static func makeClients(
        _ configuration: ForwarderConfiguration,
        clock: any APIClock = SystemAPIClock(),
        logger: Logger
    ) -> [ComplianceClient] {
        configuration.sources.map {
            ComplianceClient(
                configuration: $0.clientConfiguration(),
                clock: clock,
                logger: logger.with(source: $0.name)
            )
        }
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
                clients: parts.pipeline.sources.map { ($0.source.name, $0.client) },
                readiness: parts.readiness,
                fileRotation: parts.fileRotation,
                deadLetters: parts.pipeline.deadLetters
            )
        }
        let clients = makeClients(configuration, logger: logger)
        let rotation = FileRotationRequest()
        let deadLetters = DeadLetterWriter(directory: configuration.deadLetter.directory)
        let status = LeaseStatus()
        let readiness = Readiness(sources: zip(configuration.sources, clients).map { ($0.name, $1) }, lease: status)
        let store = try PostgresStateStore(configuration: postgres, holder: holder, logger: logger)
        let service = LeasedPipeline(
            store: store,
            lease: postgres.lease,
            status: status,
            readiness: readiness,
            logger: logger
        ) { fenced, mayFetch in
            var checkpoints: [(any CheckpointBackend, CheckpointState?)] = []
            for source in configuration.sources {
                let row = fenced.forSource(source.name)
                checkpoints.append((row, try await row.load()))
            }
            return try makePipeline(
                configuration: configuration,
                checkpoints: checkpoints,
                clients: clients,
                rotation: rotation,
                deadLetters: deadLetters,
                logger: logger,
                mayFetch: mayFetch
            )
        }
        return Process(
            service: service,
            clients: zip(configuration.sources, clients).map { ($0.name, $1) },
            readiness: readiness,
            fileRotation: rotation,
            deadLetters: deadLetters,
            lease: status
        )
    }

    /// A pipeline whose sources resume from their committed state, or from their configured
    /// start when there is none (`checkpoints` and `clients`: one per source, in order).
    static func makePipeline(
        configuration: ForwarderConfiguration,
        mode: ForwarderPipeline.Configuration.Mode = .follow,
        checkpoints: [(any CheckpointBackend, CheckpointState?)],
        clients: [ComplianceClient],
        rotation: FileRotationRequest,
        deadLetters: DeadLetterWriter,
        extraSinks: [any Sink] = [],
        clock: any APIClock = SystemAPIClock(),
        logger: Logger,
        onProgress: (@Sendable (Int, RFC3339Timestamp?, RFC3339Timestamp?) -> Void)? = nil,
        mayFetch: (@Sendable () -> Bool)? = nil
    ) throws -> ForwarderPipeline {
        let now = clock.now
        // `clients` and `checkpoints` were made from `configuration.sources`: same order and count.
        func input(_ index: Int, _ source: ForwarderConfiguration.Source) -> ForwarderPipeline.SourceInput {
            let (checkpoint, committed) = checkpoints[index]
            return .init(source, client: clients[index], checkpoint: checkpoint, committed: committed, now: now)
        }
        var sinks: [any Sink] = []
        for sink in configuration.sinks {
            sinks.append(try makeSink(sink, rotation: rotation, logger: logger))
        }
        sinks += extraSinks
        return ForwarderPipeline(
            configuration: .init(
                mode: mode,
                source: configuration.source,
                pipeline: configuration.pipeline,
                checkpointFlushInterval: configuration.checkpoint.flushInterval
            ),
            source: input(0, configuration.source),
            additionalSources: configuration.additionalSources.enumerated().map { input($0 + 1, $1) },
            sinks: sinks,
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
        case .s3(let s3):
            return try S3Sink.make(from: sink, configuration: s3, encoder: encoder, rotation: rotation)
        }
    }
}
