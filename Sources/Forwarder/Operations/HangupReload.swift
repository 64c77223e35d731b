import ComplianceAPI
import ForwarderCore
import Logging
import Synchronization

/// What SIGHUP does in `run`: everything that can change safely without a restart.
///
/// 1. File sinks close their active segment at their next input, and the dead-letter files are
///    finalised (the next entry opens a new file): after logrotate-style moves, or to ship the
///    archive up to now.
/// 2. The configuration file is read again. When it is valid and the Compliance API key differs
///    from the one in use (a rotated `api_key_file`), the new key is used from the next request.
///    Any other change is logged with the sections that differ and needs a restart; an invalid
///    file is logged and ignored. (`${ENV}` values cannot change: the environment is fixed.)
///
/// Logs go to standard error, which has no file to reopen.
public final class HangupReload: Sendable {
    let configurationPath: String
    let running: ForwarderConfiguration
    /// Each source's name (`nil` for a single `source:`) and client.
    let clients: [(name: String?, client: ComplianceClient)]
    let rotation: FileRotationRequest
    let deadLetters: DeadLetterWriter
    let logger: Logger
    let load: @Sendable (String) throws -> ForwarderConfiguration
    /// The key each source's client uses now, by source name.
    private let keysInUse: Mutex<[String?: APIKey]>

    public init(
        configurationPath: String,
        running: ForwarderConfiguration,
        parts: ForwarderRuntime.Process,
        logger: Logger,
        load: @escaping @Sendable (String) throws -> ForwarderConfiguration = { try ConfigurationLoader.load(path: $0) }
    ) {
        self.configurationPath = configurationPath
        self.running = running
        self.clients = parts.clients
        self.rotation = parts.fileRotation
        self.deadLetters = parts.deadLetters
        self.logger = logger
        self.load = load
        self.keysInUse = Mutex(
            Dictionary(running.sources.map { ($0.name, $0.apiKey) }, uniquingKeysWith: { first, _ in first })
        )
    }

    /// Performs the reload and returns what was done (also logged).
    @discardableResult
    public func perform() -> [String] {
        var done = ["file sink segments rotate at their next write", "dead-letter files finalised"]
        rotation.request()
        deadLetters.close()
        do {
            let fresh = try load(configurationPath)
            var comparable = fresh
            comparable.source.apiKey = running.source.apiKey
            for index in comparable.additionalSources.indices where index < running.additionalSources.count {
                comparable.additionalSources[index].apiKey = running.additionalSources[index].apiKey
            }
            let changed = Self.changedSections(running, comparable)
            for source in fresh.sources {
                guard let client = clients.first(where: { $0.name == source.name })?.client else { continue }
                let changedKey = keysInUse.withLock { keys in
                    defer { keys[source.name] = source.apiKey }
                    return keys[source.name] != source.apiKey
                }
                if changedKey {
                    client.replaceAPIKey(source.apiKey)
                    done.append(
                        source.name.map { "Compliance API key of source \($0) reloaded" }
                            ?? "Compliance API key reloaded"
                    )
                }
            }
            if !changed.isEmpty {
                logger.warning(
                    "SIGHUP: configuration changes need a restart to apply",
                    metadata: ["sections": "\(changed.joined(separator: ","))"]
                )
            }
        } catch {
            logger.error("SIGHUP: configuration not reloaded; the running one stays", metadata: ["error": "\(error)"])
        }
        logger.notice("SIGHUP handled", metadata: ["done": "\(done.joined(separator: "; "))"])
        return done
    }

    static func changedSections(_ old: ForwarderConfiguration, _ new: ForwarderConfiguration) -> [String] {
        var sections: [String] = []
        if old.sources != new.sources { sections.append(old.sources.count > 1 ? "sources" : "source") }
        if old.checkpoint != new.checkpoint { sections.append("checkpoint") }
        if old.state != new.state { sections.append("state") }
        if old.deadLetter != new.deadLetter { sections.append("dead_letter") }
        if old.pipeline != new.pipeline { sections.append("pipeline") }
        if old.sinks != new.sinks { sections.append("sinks") }
        if old.server != new.server { sections.append("server") }
        if old.log != new.log { sections.append("log") }
        return sections
    }
}
