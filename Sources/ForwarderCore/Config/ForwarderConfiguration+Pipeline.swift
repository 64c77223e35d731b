extension ForwarderConfiguration {
    /// `pipeline`: how much may be in flight, and how long shutdown may take.
    public struct Pipeline: Sendable, Hashable {
        /// `channel`: the bound on each sink's input channel. Whichever limit is reached first
        /// applies; a full channel stops the source rather than dropping anything.
        public var channel: Bounds
        /// `shutdown_grace`: time allowed to drain and flush after SIGTERM before cancelling.
        public var shutdownGrace: Duration

        /// - Parameters:
        ///   - channel: Defaults to 10 000 events or 32 MiB per sink.
        ///   - shutdownGrace: Defaults to 30 s.
        public init(channel: Bounds = Bounds(), shutdownGrace: Duration = .seconds(30)) {
            self.channel = channel
            self.shutdownGrace = shutdownGrace
        }

        /// A limit by count and by encoded bytes.
        public struct Bounds: Sendable, Hashable {
            /// `max_events`.
            public var maximumEvents: Int
            /// `max_bytes`.
            public var maximumBytes: Int

            /// - Parameters:
            ///   - maximumEvents: Defaults to 10 000.
            ///   - maximumBytes: Defaults to 32 MiB.
            public init(maximumEvents: Int = 10_000, maximumBytes: Int = 32 << 20) {
                self.maximumEvents = maximumEvents
                self.maximumBytes = maximumBytes
            }
        }
    }
}
