extension ForwarderConfiguration {
    /// `log`: what the forwarder logs and how.
    public struct Log: Sendable, Hashable {
        /// `level`: the least severe level written.
        public var level: Level
        /// `format`: `auto` is logfmt on a terminal and JSON otherwise.
        public var format: Format

        /// - Parameters:
        ///   - level: Defaults to ``Level/info``.
        ///   - format: Defaults to ``Format/auto``.
        public init(level: Level = .info, format: Format = .auto) {
            self.level = level
            self.format = format
        }

        /// The swift-log levels, spelled as swift-log spells them.
        public struct Level: ConfigurationChoice {
            public let name: String
            private init(_ name: String) { self.name = name }

            public static let trace = Level("trace")
            public static let debug = Level("debug")
            public static let info = Level("info")
            public static let notice = Level("notice")
            public static let warning = Level("warning")
            public static let error = Level("error")
            public static let critical = Level("critical")
            public static let allCases: [Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        }

        /// The log line format.
        public struct Format: ConfigurationChoice {
            public let name: String
            private init(_ name: String) { self.name = name }

            /// logfmt when standard error is a terminal, JSON otherwise.
            public static let auto = Format("auto")
            /// One JSON object per line.
            public static let json = Format("json")
            /// `key=value` pairs.
            public static let logfmt = Format("logfmt")
            public static let allCases: [Format] = [.auto, .json, .logfmt]
        }
    }
}
