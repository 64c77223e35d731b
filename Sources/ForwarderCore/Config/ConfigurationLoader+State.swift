extension ConfigurationLoader {
    /// With `state.backend: postgres` the path is optional: it then only names the file
    /// `checkpoint migrate --to postgres` imports (and places `dead_letter` by default).
    static func readCheckpoint(_ root: ConfigurationMapping, pathRequired: Bool) -> ForwarderConfiguration.Checkpoint? {
        let defaultPath = PathResolver.resolve("state/checkpoint.json", against: root.context.baseDirectory)
        guard root.has("checkpoint") else {
            guard pathRequired else { return .init(path: defaultPath) }
            root.missing("checkpoint", "a checkpoint section with the path of the state file")
            return nil
        }
        guard let checkpoint = root.mapping("checkpoint", allowedKeys: ["path", "flush_interval"]) else { return nil }
        let flushInterval = checkpoint.duration("flush_interval", default: .seconds(1), positive: true)
        guard checkpoint.has("path") else {
            guard pathRequired else { return .init(path: defaultPath, flushInterval: flushInterval) }
            checkpoint.missing("path", "the state file, e.g. ./state/checkpoint.json")
            return nil
        }
        guard let path = checkpoint.path("path") else { return nil }
        if ConfigurationMapping.isDirectory(path) {
            checkpoint.error("path", "is a directory; expected the state file's path: \(path)")
        }
        return ForwarderConfiguration.Checkpoint(path: path, flushInterval: flushInterval)
    }

    static func readDeadLetter(_ root: ConfigurationMapping) -> ForwarderConfiguration.DeadLetter? {
        guard let deadLetter = root.mapping("dead_letter", allowedKeys: ["directory"]) else { return nil }
        return deadLetter.directory("directory").map(ForwarderConfiguration.DeadLetter.init(directory:))
    }

    static func readPipeline(_ root: ConfigurationMapping) -> ForwarderConfiguration.Pipeline {
        let defaults = ForwarderConfiguration.Pipeline()
        guard let pipeline = root.mapping("pipeline", allowedKeys: ["channel", "shutdown_grace"]) else {
            return defaults
        }
        var channel = defaults.channel
        if let bounds = pipeline.mapping("channel", allowedKeys: ["max_events", "max_bytes"]) {
            channel.maximumEvents = bounds.int("max_events", default: channel.maximumEvents, range: 1...Int.max)
            channel.maximumBytes = bounds.size("max_bytes", default: channel.maximumBytes, minimum: 1 << 10)
        }
        let grace = pipeline.duration("shutdown_grace", default: defaults.shutdownGrace)
        return ForwarderConfiguration.Pipeline(channel: channel, shutdownGrace: grace)
    }

    static func readServer(_ root: ConfigurationMapping) -> ForwarderConfiguration.Server {
        let defaults = ForwarderConfiguration.Server()
        guard let server = root.mapping("server", allowedKeys: ["enabled", "listen"]) else { return defaults }
        let isEnabled = server.bool("enabled", default: defaults.isEnabled)
        var listen = defaults.listen
        if let value = server.scalar("listen") {
            switch NetworkAddress.parse(value.text, defaultPort: defaults.listen.port) {
            case .success(let address): listen = address
            case .failure(let issue): server.error("listen", "\(issue.message), got \(value.quoted)")
            }
        }
        return ForwarderConfiguration.Server(isEnabled: isEnabled, listen: listen)
    }

    static func readLog(_ root: ConfigurationMapping) -> ForwarderConfiguration.Log {
        let defaults = ForwarderConfiguration.Log()
        guard let log = root.mapping("log", allowedKeys: ["level", "format"]) else { return defaults }
        return ForwarderConfiguration.Log(
            level: log.choice("level", default: defaults.level),
            format: log.choice("format", default: defaults.format)
        )
    }
}
