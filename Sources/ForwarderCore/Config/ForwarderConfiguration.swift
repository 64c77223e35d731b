/// Everything `compliance-forwarder` needs to run, as loaded from one YAML file.
///
/// Plain values with defaults: ``ConfigurationLoader`` builds one from a file and checks it;
/// tests and embedders can build one directly. The key names in the file are a contract
/// (DESIGN §7, `docs/configuration.md`); each property's documentation names its key.
///
/// Paths are absolute once loaded: relative paths in the file are resolved against the
/// directory that contains the file, so a service does not depend on its working directory.
public struct ForwarderConfiguration: Sendable, Hashable {
    /// `source`, or the first item of `sources`: what the single-source commands use.
    public var source: Source
    /// The other items of `sources` (one parent organisation each); empty with `source:`.
    public var additionalSources: [Source]
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
    ///   - source: The Compliance API endpoint, key and query (the first of `sources`).
    ///   - additionalSources: The other sources, each named; none by default.
    ///   - checkpoint: Where the cursor is stored.
    ///   - state: Defaults to the checkpoint file.
    ///   - deadLetter: Defaults to `dead-letter` next to the checkpoint file.
    ///   - pipeline: Defaults to ``Pipeline/init(channel:shutdownGrace:)``.
    ///   - sinks: The destinations.
    ///   - server: Defaults to listening on `127.0.0.1:9464`.
    ///   - log: Defaults to `info`, format `auto`.
    public init(
        source: Source,
        additionalSources: [Source] = [],
        checkpoint: Checkpoint,
        state: State = State(),
        deadLetter: DeadLetter? = nil,
        pipeline: Pipeline = Pipeline(),
        sinks: [Sink],
        server: Server = Server(),
        log: Log = Log()
    ) {
        self.source = source
        self.additionalSources = additionalSources
        self.checkpoint = checkpoint
        self.state = state
        self.deadLetter = deadLetter ?? DeadLetter(directory: checkpoint.defaultDeadLetterDirectory)
        self.pipeline = pipeline
        self.sinks = sinks
        self.server = server
        self.log = log
    }

    /// Every source, in configuration order: never empty, by construction.
    public var sources: [Source] { [source] + additionalSources }
}
