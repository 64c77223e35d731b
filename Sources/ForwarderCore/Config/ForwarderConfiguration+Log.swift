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
        public typealias Level = Choice<LevelSpellings>
        public enum LevelSpellings: ChoiceSpellings {
            public static let allCases: [Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        }

        /// The log line format.
        public typealias Format = Choice<FormatSpellings>
        public enum FormatSpellings: ChoiceSpellings {
            public static let allCases: [Format] = [.auto, .json, .logfmt]
        }
    }
}

extension ForwarderConfiguration.Log.Level {
    public static var trace: Self { Self("trace") }
    public static var debug: Self { Self("debug") }
    public static var info: Self { Self("info") }
    public static var notice: Self { Self("notice") }
    public static var warning: Self { Self("warning") }
    public static var error: Self { Self("error") }
    public static var critical: Self { Self("critical") }
}

extension ForwarderConfiguration.Log.Format {
    /// logfmt when standard error is a terminal, JSON otherwise.
    public static var auto: Self { Self("auto") }
    /// One JSON object per line.
    public static var json: Self { Self("json") }
    /// `key=value` pairs.
    public static var logfmt: Self { Self("logfmt") }
}
