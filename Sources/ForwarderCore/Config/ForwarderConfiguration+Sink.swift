extension ForwarderConfiguration {
    /// One entry of `sinks`: a named destination with its own format, batching and channel.
    public struct Sink: Sendable, Hashable {
        /// `name`: unique, `[A-Za-z0-9_.-]+`; used in metrics, logs and dead-letter file names.
        public var name: String
        /// `format`: how each activity is encoded.
        public var format: Format
        /// `batch`: how many events are delivered together.
        public var batch: Batch
        /// `type` and the type's keys.
        public var destination: Destination

        /// - Parameters:
        ///   - name: The sink's name.
        ///   - format: Defaults to the destination's usual format (CEF for syslog, ECS otherwise).
        ///   - batch: Defaults to the destination's usual batching.
        ///   - destination: The sink type and its settings.
        public init(name: String, format: Format? = nil, batch: Batch? = nil, destination: Destination) {
            self.name = name
            self.format = format ?? destination.defaultFormat
            self.batch = batch ?? destination.defaultBatch
            self.destination = destination
        }

        /// `type`: the kind of sink and its settings.
        ///
        /// A closed enum on purpose: the runtime must build every kind of sink, so adding a kind
        /// should fail to compile until it does.
        public enum Destination: Sendable, Hashable {
            /// `type: file`: gzip-compressed rotating archive files.
            case file(FileSink)
            /// `type: syslog`: RFC 5424/3164 messages over TLS, TCP or UDP.
            case syslog(SyslogSink)
            /// `type: http`: webhook, Splunk HEC or Elasticsearch `_bulk`.
            case http(HTTPSink)
            /// `type: s3`: spooled gzip segments uploaded as objects, optionally under Object Lock.
            case s3(S3Sink)

            /// `file`, `syslog`, `http` or `s3`.
            public var typeName: String {
                switch self {
                case .file: "file"
                case .syslog: "syslog"
                case .http: "http"
                case .s3: "s3"
                }
            }

            var defaultFormat: Format {
                switch self {
                case .syslog: .cef
                case .file, .http, .s3: .ecs
                }
            }

            var defaultBatch: Batch {
                switch self {
                case .file: Batch()
                // Syslog receivers index as they read: keep latency low.
                case .syslog: Batch(maximumDelay: .milliseconds(200))
                case .http: Batch()
                case .s3: Batch()
                }
            }
        }

        /// `format`: the encoding of each event.
        public typealias Format = Choice<FormatSpellings>
        public enum FormatSpellings: ChoiceSpellings {
            public static let allCases: [Format] = [.ecs, .cef, .raw]
        }

        /// `batch`: a batch is sent when any limit is reached.
        public struct Batch: Sendable, Hashable {
            /// `max_events`.
            public var maximumEvents: Int
            /// `max_bytes`: encoded bytes, before compression.
            public var maximumBytes: Int
            /// `max_delay`: the longest an event waits for its batch to fill.
            public var maximumDelay: Duration

            /// - Parameters:
            ///   - maximumEvents: Defaults to 1000.
            ///   - maximumBytes: Defaults to 1 MiB (Splunk HEC's classic request limit).
            ///   - maximumDelay: Defaults to 1 s.
            public init(maximumEvents: Int = 1000, maximumBytes: Int = 1 << 20, maximumDelay: Duration = .seconds(1)) {
                self.maximumEvents = maximumEvents
                self.maximumBytes = maximumBytes
                self.maximumDelay = maximumDelay
            }
        }
    }
}

extension ForwarderConfiguration.Sink.Format {
    /// ECS JSON.
    public static var ecs: Self { Self("ecs") }
    /// ArcSight CEF.
    public static var cef: Self { Self("cef") }
    /// The original Compliance API record, unchanged.
    public static var raw: Self { Self("raw") }
}
