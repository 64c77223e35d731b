import AsyncHTTPClient
import ComplianceAPI
import ForwarderCore
import Logging

/// Builds a ``ForwarderPipeline`` from a validated configuration.
public enum ForwarderRuntime {
    /// Everything a command needs to run the pipeline.
    public struct Assembly: Sendable {
        public var pipeline: ForwarderPipeline
        public var client: ComplianceClient
        public var checkpointStore: CheckpointStore
        /// What `/readyz` reports.
        public var readiness: Readiness
        /// Closes the file sinks' active segments on request (SIGHUP).
        public var fileRotation: FileRotationRequest
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
        let source = configuration.source
        let client = ComplianceClient(configuration: source.clientConfiguration(), clock: clock, logger: logger)
        let store = CheckpointStore(path: checkpointPath ?? configuration.checkpoint.path)
        let initial = try store.load() ?? CheckpointState(start: source.start.resolved(now: clock.now))
        let rotation = FileRotationRequest()
        var sinks: [any Sink] = []
        for sink in configuration.sinks {
            sinks.append(try makeSink(sink, rotation: rotation, logger: logger))
        }
        sinks += extraSinks
        let pipeline = ForwarderPipeline(
            configuration: .init(
                mode: mode,
                source: source,
                pipeline: configuration.pipeline,
                checkpointFlushInterval: configuration.checkpoint.flushInterval
            ),
            client: client,
            sinks: sinks,
            checkpointStore: store,
            initialState: initial,
            deadLetters: DeadLetterWriter(directory: configuration.deadLetter.directory),
            clock: clock,
            logger: logger,
            onProgress: onProgress
        )
        let readiness = Readiness(
            client: client,
            checkpointer: pipeline.checkpointer,
            checkpointPath: checkpointPath ?? configuration.checkpoint.path,
            sinks: zip(sinks, pipeline.sinkMetrics).map { ($0.name, $1.health) }
        )
        return Assembly(
            pipeline: pipeline,
            client: client,
            checkpointStore: store,
            readiness: readiness,
            fileRotation: rotation
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
