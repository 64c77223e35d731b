extension ForwarderConfiguration {
    /// `type: http`: batches POSTed to a webhook, Splunk HEC, Elasticsearch `_bulk`, the Azure
    /// Monitor Logs Ingestion API or an OpenTelemetry collector (OTLP/HTTP logs).
    public struct HTTPSink: Sendable, Hashable {
        /// `mode`: the protocol spoken.
        public var mode: Mode
        /// `url`: `http` or `https`. For Elasticsearch the cluster URL (`/_bulk` is appended);
        /// for HEC the full collector URL (`…/services/collector/event`).
        public var url: String
        /// `token` (HEC): sent as `Authorization: Splunk <token>`.
        public var token: Secret?
        /// `api_key` (Elasticsearch): sent as `Authorization: ApiKey <key>`.
        public var apiKey: Secret?
        /// `username` (basic authentication, with ``password``).
        public var username: String?
        /// `password` (basic authentication, with ``username``).
        public var password: Secret?
        /// `index`: Elasticsearch data stream or index; HEC index (optional, the token's default).
        public var index: String?
        /// `source` (HEC).
        public var source: String?
        /// `sourcetype` (HEC).
        public var sourcetype: String?
        /// `host` (HEC).
        public var host: String?
        /// `headers`: extra request headers. Values are secrets: they often carry credentials.
        public var headers: [String: Secret]
        /// `body_format` (webhook): NDJSON or one JSON array per request.
        public var bodyFormat: BodyFormat
        /// `hmac` (webhook): sign each body with HMAC-SHA256.
        public var hmac: HMAC?
        /// `gzip`: compress request bodies (`Content-Encoding: gzip`).
        public var gzip: Bool
        /// `timeout`: time allowed for one request.
        public var timeout: Duration
        /// `tls`: used with `https` URLs.
        public var tls: TLS
        /// `ack` (HEC): indexer acknowledgement.
        public var ack: Acknowledgement
        /// `retry`: backoff between retries of a failed request.
        public var retry: Backoff
        /// `max_in_flight`: requests sent without waiting for the previous reply (1…16).
        public var maximumInFlight: Int
        /// `mode: azure_monitor`: the data collection rule, stream and Entra ID credentials.
        public var azureMonitor: AzureMonitor?
        /// `mode: otlp`: the body encoding.
        public var otlp: OTLP?
        /// `archive_anchors`: also send the file sinks' `archive_segment_sealed` events (never
        /// with `azure_monitor`: its table schema has no place for them).
        public var archiveAnchors: Bool

        /// The default `max_in_flight`: enough to hide one round trip behind the next request's
        /// encoding, small enough that a restart replays little.
        public static let defaultMaximumInFlight = 2

        /// - Parameters:
        ///   - mode: Defaults to ``Mode/webhook``.
        ///   - url: Required.
        ///   - token: Required for Splunk HEC, not used otherwise.
        ///   - apiKey: Elasticsearch API key.
        ///   - username: Basic-auth user.
        ///   - password: Basic-auth password.
        ///   - index: Defaults to `logs-claude.audit-default` for Elasticsearch, none otherwise.
        ///   - source: HEC `source`.
        ///   - sourcetype: HEC `sourcetype`.
        ///   - host: HEC `host`.
        ///   - headers: Defaults to none.
        ///   - bodyFormat: Defaults to ``BodyFormat/ndjson``.
        ///   - hmac: Defaults to unsigned.
        ///   - gzip: Defaults to `false`.
        ///   - timeout: Defaults to 30 s.
        ///   - tls: Defaults to system trust, verification on, TLS ≥ 1.2.
        ///   - ack: Defaults to disabled.
        ///   - retry: Defaults to 1 s doubling to 60 s.
        ///   - maximumInFlight: Defaults to 2.
        ///   - azureMonitor: Required for ``Mode/azureMonitor``, not used otherwise.
        ///   - otlp: For ``Mode/otlp``; defaults to protobuf there, not used otherwise.
        ///   - archiveAnchors: Defaults to `true`, except for ``Mode/azureMonitor``.
        public init(
            mode: Mode = .webhook,
            url: String,
            token: Secret? = nil,
            apiKey: Secret? = nil,
            username: String? = nil,
            password: Secret? = nil,
            index: String? = nil,
            source: String? = nil,
            sourcetype: String? = nil,
            host: String? = nil,
            headers: [String: Secret] = [:],
            bodyFormat: BodyFormat = .ndjson,
            hmac: HMAC? = nil,
            gzip: Bool = false,
            timeout: Duration = .seconds(30),
            tls: TLS = TLS(),
            ack: Acknowledgement = Acknowledgement(),
            retry: Backoff = Backoff(),
            maximumInFlight: Int = HTTPSink.defaultMaximumInFlight,
            azureMonitor: AzureMonitor? = nil,
            otlp: OTLP? = nil,
            archiveAnchors: Bool? = nil
        ) {
            self.mode = mode
            self.url = url
            self.token = token
            self.apiKey = apiKey
            self.username = username
            self.password = password
            self.index = index ?? (mode == .elasticsearch ? Self.defaultElasticsearchIndex : nil)
            self.source = source
            self.sourcetype = sourcetype
            self.host = host
            self.headers = headers
            self.bodyFormat = bodyFormat
            self.hmac = hmac
            self.gzip = gzip
            self.timeout = timeout
            self.tls = tls
            self.ack = ack
            self.retry = retry
            self.maximumInFlight = maximumInFlight
            self.azureMonitor = azureMonitor
            self.otlp = otlp ?? (mode == .otlp ? OTLP() : nil)
            self.archiveAnchors = mode != .azureMonitor && (archiveAnchors ?? true)
        }

        /// A data stream following the ECS `logs-<dataset>-<namespace>` convention.
        public static let defaultElasticsearchIndex = "logs-claude.audit-default"

        /// `mode`.
        public typealias Mode = Choice<ModeSpellings>
        public enum ModeSpellings: ChoiceSpellings {
            public static let allCases: [Mode] = [.webhook, .splunkHEC, .elasticsearch, .azureMonitor, .otlp]
        }

        /// `body_format` (webhook).
        public typealias BodyFormat = Choice<BodyFormatSpellings>
        public enum BodyFormatSpellings: ChoiceSpellings {
            public static let allCases: [BodyFormat] = [.ndjson, .jsonArray]
        }

        /// `hmac`: an HMAC-SHA256 of the request body in a header, so the receiver can check
        /// the sender.
        public struct HMAC: Sendable, Hashable {
            /// `secret` or `secret_file`: the shared key.
            public var secret: Secret
            /// `header`: the header carrying the signature.
            public var header: String

            /// - Parameters:
            ///   - secret: The shared key.
            ///   - header: Defaults to `X-Signature`.
            public init(secret: Secret, header: String = "X-Signature") {
                self.secret = secret
                self.header = header
            }
        }

        /// `ack`: Splunk HEC indexer acknowledgement; events count as delivered only once
        /// Splunk confirms they were indexed.
        public struct Acknowledgement: Sendable, Hashable {
            /// `enabled`.
            public var isEnabled: Bool
            /// `channel`: the `X-Splunk-Request-Channel` GUID; `nil` lets the sink pick one per
            /// process.
            public var channel: String?
            /// `timeout`: resend a batch not acknowledged within this time.
            public var timeout: Duration
            /// `poll_interval`: how often acknowledgements are polled.
            public var pollInterval: Duration

            /// - Parameters:
            ///   - isEnabled: Defaults to `false`.
            ///   - channel: Defaults to a random GUID chosen by the sink.
            ///   - timeout: Defaults to 5 min.
            ///   - pollInterval: Defaults to 1 s.
            public init(
                isEnabled: Bool = false,
                channel: String? = nil,
                timeout: Duration = .seconds(300),
                pollInterval: Duration = .seconds(1)
            ) {
                self.isEnabled = isEnabled
                self.channel = channel
                self.timeout = timeout
                self.pollInterval = pollInterval
            }
        }
    }
}

extension ForwarderConfiguration.HTTPSink.Mode {
    /// POST the batch to any URL.
    public static var webhook: Self { Self("webhook") }
    /// Splunk HTTP Event Collector.
    public static var splunkHEC: Self { Self("splunk_hec") }
    /// Elasticsearch `_bulk` with `create` actions.
    public static var elasticsearch: Self { Self("elasticsearch") }
    /// Azure Monitor Logs Ingestion API (Microsoft Sentinel): rows POSTed to a data
    /// collection endpoint with an Entra ID token.
    public static var azureMonitor: Self { Self("azure_monitor") }
    /// OpenTelemetry logs over OTLP/HTTP (`/v1/logs` of a collector).
    public static var otlp: Self { Self("otlp") }
}

extension ForwarderConfiguration.HTTPSink.BodyFormat {
    /// One event per LF-terminated line.
    public static var ndjson: Self { Self("ndjson") }
    /// One JSON array of events.
    public static var jsonArray: Self { Self("json_array") }
}
