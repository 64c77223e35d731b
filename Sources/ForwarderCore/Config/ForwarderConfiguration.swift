/// Everything `compliance-forwarder` needs to run, as loaded from one YAML file.
///
/// Plain values with defaults: ``ConfigurationLoader`` builds one from a file and checks it;
/// tests and embedders can build one directly. The key names in the file are a contract
/// (DESIGN §7, `docs/configuration.md`); each property's documentation names its key.
///
/// Paths are absolute once loaded: relative paths in the file are resolved against the
/// directory that contains the file, so a service does not depend on its working directory.
public struct ForwarderConfiguration: Sendable, Hashable {
    /// `source`, or each item of `sources`: where activities come from (one parent organisation
    /// each); never empty.
    public var sources: [Source]
    /// `checkpoint`: where the resume point is stored.
    public var checkpoint: Checkpoint
    /// `state`: the checkpoint's backend (file, or PostgreSQL under a lease).
    public var state: State
    /// `dead_letter`: where permanently rejected events go.
    public var deadLetter: DeadLetter
    /// `pipeline`: channel bounds and shutdown behaviour.
    public var pipeline: Pipeline
    /// `sinks`: where activities go; at least one.
    public var sinks: [Sink]
    /// `server`: the health and metrics endpoint.
    public var server: Server
    /// `log`: log level and format.
    public var log: Log

    /// - Parameters:
    ///   - sources: The Compliance API endpoints, keys and queries; at least one.
    ///   - checkpoint: Where the cursor is stored.
    ///   - state: Defaults to the checkpoint file.
    ///   - deadLetter: Defaults to `dead-letter` next to the checkpoint file.
    ///   - pipeline: Defaults to ``Pipeline/init(channel:shutdownGrace:)``.
    ///   - sinks: The destinations.
    ///   - server: Defaults to listening on `127.0.0.1:9464`.
    ///   - log: Defaults to `info`, format `auto`.
    public init(
        sources: [Source],
        checkpoint: Checkpoint,
        state: State = State(),
        deadLetter: DeadLetter? = nil,
        pipeline: Pipeline = Pipeline(),
        sinks: [Sink],
        server: Server = Server(),
        log: Log = Log()
    ) {
        self.sources = sources
        self.checkpoint = checkpoint
        self.state = state
        self.deadLetter = deadLetter ?? DeadLetter(directory: checkpoint.defaultDeadLetterDirectory)
        self.pipeline = pipeline
        self.sinks = sinks
        self.server = server
        self.log = log
    }

    /// One source (`source:` in the file).
    public init(
        source: Source,
        checkpoint: Checkpoint,
        state: State = State(),
        deadLetter: DeadLetter? = nil,
        pipeline: Pipeline = Pipeline(),
        sinks: [Sink],
        server: Server = Server(),
        log: Log = Log()
    ) {
        self.init(
            sources: [source],
            checkpoint: checkpoint,
            state: state,
            deadLetter: deadLetter,
            pipeline: pipeline,
            sinks: sinks,
            server: server,
            log: log
        )
    }

    /// The first (with `source:`, the only) source: what the single-source commands use.
    public var source: Source {
        get { sources[0] }
        set { sources[0] = newValue }
    }
}
