extension ForwarderConfiguration {
    /// `checkpoint`: where the cursor and recently delivered ids are stored.
    public struct Checkpoint: Sendable, Hashable {
        /// `path`: the state file (absolute once loaded). Its directory is created if missing.
        public var path: String
        /// `flush_interval`: the most often the file is rewritten; it is always written on shutdown.
        public var flushInterval: Duration

        /// The default `flush_interval`.
        public static let defaultFlushInterval = Duration.seconds(1)

        /// - Parameters:
        ///   - path: The state file; required.
        ///   - flushInterval: Defaults to 1 s.
        public init(path: String, flushInterval: Duration = defaultFlushInterval) {
            self.path = path
            self.flushInterval = flushInterval
        }

        /// Where `source`'s checkpoint file is: `path` for the single `source:`, and beside it with
        /// the source's name before the extension for each of `sources:`
        /// (`state/checkpoint.json` → `state/checkpoint.org-eu.json`).
        public func path(for source: Source) -> String {
            guard let name = source.name else { return path }
            let file = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
            let directory = String(path.dropLast(file.count))
            guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return path + "." + name }
            return directory + file[..<dot] + "." + name + file[dot...]
        }

        /// `dead-letter` in the checkpoint's directory: state stays together by default.
        var defaultDeadLetterDirectory: String {
            let parent = PathResolver.parent(of: path)
            return PathResolver.join(parent, "dead-letter")
        }
    }

    /// `dead_letter`: where events a sink rejected for good are kept, with the reason.
    public struct DeadLetter: Sendable, Hashable {
        /// `directory`: one gzip NDJSON file set per sink inside it; created if missing.
        public var directory: String

        /// - Parameter directory: Absolute once loaded; defaults to `dead-letter` next to the
        ///   checkpoint file when the key is absent.
        public init(directory: String) {
            self.directory = directory
        }
    }
}
