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
    let client: ComplianceClient
    let rotation: FileRotationRequest
    let deadLetters: DeadLetterWriter
    let logger: Logger
    let load: @Sendable (String) throws -> ForwarderConfiguration
    private let keyInUse: Mutex<APIKey>

    public init(
        configurationPath: String,
        running: ForwarderConfiguration,
        parts: ForwarderRuntime.Process,
        logger: Logger,
        load: @escaping @Sendable (String) throws -> ForwarderConfiguration = { try ConfigurationLoader.load(path: $0) }
    ) {
        self.configurationPath = configurationPath
        self.running = running
        self.client = parts.client
        self.rotation = parts.fileRotation
        self.deadLetters = parts.deadLetters
        self.logger = logger
        self.load = load
        self.keyInUse = Mutex(running.source.apiKey)
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
            let changed = Self.changedSections(running, comparable)
            let changedKey = keyInUse.withLock { key in
                defer { key = fresh.source.apiKey }
                return key != fresh.source.apiKey
            }
            if changedKey {
                client.replaceAPIKey(fresh.source.apiKey)
                done.append("Compliance API key reloaded")
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
        if old.source != new.source { sections.append("source") }
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
