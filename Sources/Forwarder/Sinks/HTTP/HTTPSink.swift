import ComplianceAPI
import ForwarderCore
import NIOHTTP1
import NIOSSL

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Delivers activities over HTTP: a generic webhook, Splunk HEC, Elasticsearch `_bulk`, the
/// Azure Monitor Logs Ingestion API or an OpenTelemetry collector (OTLP/HTTP logs)
/// (`type: http`, see `docs/http-sinks.md`).
///
/// ```swift
/// let sink = try HTTPSink.make(from: configuration.sinks[0], encoder: EventEncoder(format: .ecs))
/// // the pipeline runs it: try await sink.run(input: stream, context: context)
/// ```
///
/// **Requests.** Each pipeline batch (one API page) is encoded once and queued; up to
/// `max_in_flight` requests are on the wire at once, each of at most `batch.max_events` events and
/// about `batch.max_bytes` encoded bytes, taken from the head of the queue. The sink never waits
/// for more events to fill a request, so `batch.max_delay` is met trivially. Replies complete in
/// any order (acknowledgements are per event). Events the receiver deferred (`_bulk` items
/// answered 429) go back to the head of the queue and ride along with the next request; only
/// pushback on a whole request makes its slot wait a backoff (``HTTPDelivery``).
///
/// **Acknowledgement.** An event is acknowledged to the pipeline only when the receiver stored it
/// (2xx; per item for `_bulk`; after Splunk confirms its `ackId` with indexer acks), or
/// when it was refused for good and written to the dead-letter file. Until then the sink retries
/// (``HTTPDelivery``), and the pipeline's bounded channel stops the source.
///
/// **Duplicates.** Elasticsearch replays are idempotent (`create` with `_id` = activity id: 409 is
/// delivered). A webhook or HEC request that timed out after the receiver processed it is sent
/// again and arrives twice; every event carries the activity id (HEC indexed field
/// `activity_id`) so searches can drop repeats.
///
/// **Credentials** (token, API key, password, HMAC secret, custom header values) are read only
/// to build request headers. They never appear in logs, errors or dead-letter entries, and
/// replies are scrubbed of them before being logged.
public struct HTTPSink: Sink {
    /// Settings that are not in the configuration file: tuning and test hooks.
    public struct Options: Sendable {
        /// ± this fraction of each backoff, so many forwarders do not retry in step.
        public var jitter: Double
        /// Elasticsearch: POST to `<url>/_bulk` with `_index` in every action, instead of
        /// `<url>/<index>/_bulk` (for proxies that only allow `/_bulk`).
        public var elasticsearchIndexInAction: Bool
        /// Splunk HEC with indexer acknowledgement: events awaiting confirmation before the sink
        /// stops sending more.
        public var maximumUnacknowledgedEvents: Int
        /// Consecutive failed attempts before an overloaded receiver marks the sink unhealthy
        /// (configuration errors do at once).
        public var unhealthyAfterFailures: Int
        /// zlib level for `gzip: true` (1 fastest … 9 smallest).
        public var gzipLevel: Int32
        /// When whole requests are refused (webhook 400/422, HEC or `_bulk` 400 naming no event),
        /// the sink splits them to find the events at fault and dead-letters those. After this
        /// many events dead-lettered that way with none delivered in between, it stops: a
        /// receiver refusing everything has changed its contract, and the events are held (sink
        /// unhealthy, error logged, retried with backoff) rather than emptied into the dead-letter file.
        public var maximumRejectionStreak: Int
        /// `mode: azure_monitor` without a client secret: the workload-identity token file (AKS
        /// sets `AZURE_FEDERATED_TOKEN_FILE`).
        public var federatedTokenFile: String?

        /// - Parameters:
        ///   - jitter: Defaults to 0.25.
        ///   - elasticsearchIndexInAction: Defaults to `false`.
        ///   - maximumUnacknowledgedEvents: Defaults to 50 000.
        ///   - unhealthyAfterFailures: Defaults to 3.
        ///   - gzipLevel: Defaults to 6.
        ///   - maximumRejectionStreak: Defaults to 20.
        ///   - federatedTokenFile: Defaults to `AZURE_FEDERATED_TOKEN_FILE` from the environment.
        public init(
            jitter: Double = 0.25,
            elasticsearchIndexInAction: Bool = false,
            maximumUnacknowledgedEvents: Int = 50_000,
            unhealthyAfterFailures: Int = 3,
            gzipLevel: Int32 = 6,
            maximumRejectionStreak: Int = 20,
            federatedTokenFile: String? = ProcessInfo.processInfo.environment["AZURE_FEDERATED_TOKEN_FILE"]
        ) {
            self.jitter = jitter
            self.elasticsearchIndexInAction = elasticsearchIndexInAction
            self.maximumUnacknowledgedEvents = maximumUnacknowledgedEvents
            self.unhealthyAfterFailures = unhealthyAfterFailures
            self.gzipLevel = gzipLevel
            self.maximumRejectionStreak = maximumRejectionStreak
            self.federatedTokenFile = federatedTokenFile
        }
    }

    public let name: String
    public let configuration: ForwarderConfiguration.HTTPSink
    public let batch: ForwarderConfiguration.Sink.Batch
    public let options: Options
    let dialect: any HTTPDialect
    let tls: TLSConfiguration
    let settings: HTTPDelivery.Settings
    let scrubber: SecretScrubber

    /// `mode: otlp`: log records collectors rejected in `partial_success` replies; `nil` otherwise.
    public var otlpStatistics: OTLPSinkStatistics? { settings.otlpStatistics }

    /// Checks the settings and loads the TLS files; nothing touches the network until ``run(input:context:)``.
    ///
    /// - Parameters:
    ///   - name: The sink's name (metrics, logs, dead-letter files).
    ///   - configuration: The `type: http` settings.
    ///   - batch: Request size limits.
    ///   - encoder: Writes each event's body: one JSON object per event (ECS or raw) for
    ///     Elasticsearch; JSON or a CEF line for HEC (embedded as an object or a string) and webhooks.
    ///   - options: Tuning that is not in the configuration file.
    /// - Throws: ``HTTPSinkError`` with code ``HTTPSinkError/Code/setup`` for a bad URL, TLS file or
    ///   a combination the mode cannot serve (CEF to Elasticsearch).
    public init(
        name: String,
        configuration: ForwarderConfiguration.HTTPSink,
        batch: ForwarderConfiguration.Sink.Batch = .init(),
        encoder: EventEncoder,
        options: Options = .init()
    ) throws(HTTPSinkError) {
        self.name = name
        self.configuration = configuration
        self.batch = batch
        self.options = options
        let parts = try Self.makeParts(name: name, configuration: configuration, encoder: encoder, options: options)
        dialect = parts.dialect
        settings = parts.settings
        scrubber = parts.scrubber
        tls = try HTTPTransport.makeTLSConfiguration(configuration.tls)
    }

    /// The sink for a `type: http` entry of the configuration.
    ///
    /// - Throws: ``HTTPSinkError`` (``HTTPSinkError/Code/setup``) when `sink` is not an HTTP sink
    ///   or cannot be set up.
    public static func make(
        from sink: ForwarderConfiguration.Sink,
        encoder: EventEncoder,
        options: Options = .init()
    ) throws(HTTPSinkError) -> HTTPSink {
        guard case .http(let http) = sink.destination else {
            throw HTTPSinkError(code: .setup, message: "sink '\(sink.name)' is not an http sink")
        }
        return try HTTPSink(name: sink.name, configuration: http, batch: sink.batch, encoder: encoder, options: options)
    }

    public func run(input: SinkChannel.Stream, context: SinkContext) async throws {
        let transport = HTTPTransport(
            tls: tls,
            timeout: configuration.timeout,
            dnsOverride: settings.endpoint.dnsOverride
        )
        let tokens = settings.entra.map { EntraTokenProvider($0, timeout: configuration.timeout) }
        let delivery = HTTPDelivery(
            dialect: dialect,
            transport: transport,
            settings: settings,
            limits: requestLimits,
            context: context,
            scrubber: scrubber,
            tokens: tokens
        )
        context.logger.info(
            "HTTP sink started",
            metadata: ["mode": "\(configuration.mode.name)", "endpoint": "\(settings.endpoint.redacted)"]
        )
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if settings.indexerAcks != nil {
                    group.addTask { try await delivery.runIndexerAckPoller() }
                }
                try await send(input, through: delivery, context: context)
                await context.waitForAnchorPublishers()
                try await sendAnchors(through: delivery, context: context, atShutdown: true)
                delivery.stopIndexerAckPoller()
                try await group.waitForAll()
                try await delivery.drainIndexerAcks()
            }
        } catch {
            await transport.shutdown()
            await tokens?.shutdown()
            throw error
        }
        await transport.shutdown()
        await tokens?.shutdown()
    }

    /// Queues every batch and keeps up to `max_in_flight` workers sending from the queue. The next
    /// batch is read only while fewer than `max_in_flight` full requests are queued, so a slow
    /// receiver stops the pipeline's channel rather than filling memory.
    private func send(_ input: SinkChannel.Stream, through delivery: HTTPDelivery, context: SinkContext) async throws {
        let maximumInFlight = max(1, configuration.maximumInFlight)
        let queueLimit = maximumInFlight * requestLimits.maximumEvents
        try await withThrowingTaskGroup(of: Void.self) { workers in
            var running = 0
            let finished = FinishedWorkers()
            var reaped = 0
            func reapOne() async throws {
                _ = try await workers.next()
                reaped += 1
                running -= 1
            }
            for await item in input {
                // A worker returns when the queue runs dry; while the input is quiet nothing else
                // reaps it, and its slot must count as free or the next batches wait for a full
                // queue (or the end of the input) before anything sends them.
                while reaped < finished.count { try await reapOne() }
                if case .batch(let batch) = item {
                    try await delivery.waitForIndexerAckRoom()
                    delivery.enqueue(encode(batch))
                }
                Self.startWorkers(&workers, running: &running, maximum: maximumInFlight, delivery, finished)
                while delivery.queuedEventCount >= queueLimit, running > 0 {
                    try await reapOne()
                    Self.startWorkers(&workers, running: &running, maximum: maximumInFlight, delivery, finished)
                }
                try await sendAnchors(through: delivery, context: context, atShutdown: false)
            }
            // The input is over: send whatever is queued, waiting out deferred events' backoffs.
            while true {
                Self.startWorkers(&workers, running: &running, maximum: maximumInFlight, delivery, finished)
                guard running > 0 else { break }
                try await reapOne()
            }
        }
    }

    /// `archive_anchors`: the file sinks' `archive_segment_sealed` events go to this endpoint too.
    public var receivesArchiveAnchors: Bool { configuration.archiveAnchors }

    /// Sends the anchors waiting in the inbox, one request each. A failure puts the anchor back
    /// with a backoff and returns, so the activities go on. At shutdown the sink waits out the
    /// backoff instead, but gives up after ``finalAnchorAttempts`` failures: anchors are
    /// best-effort, and the next seal's anchor (after the restart) links to these manifests.
    private func sendAnchors(through delivery: HTTPDelivery, context: SinkContext, atShutdown: Bool) async throws {
        guard let inbox = context.anchorInbox else { return }
        var failures = 0
        while let anchor = inbox.next() {
            switch try await delivery.sendAnchor(anchor) {
            case .delivered:
                inbox.delivered()
            case .retry(let retryAfter):
                let wait = inbox.retryLater(anchor) { settings.backoff.delay(retry: $0, retryAfter: retryAfter) }
                guard atShutdown else { return }
                failures += 1
                guard failures < Self.finalAnchorAttempts else {
                    let dropped = inbox.dropAll()
                    context.logger.warning(
                        "archive anchors not delivered before shutdown; dropped",
                        metadata: ["anchors": "\(dropped)"]
                    )
                    return
                }
                try await Task.sleep(for: wait)
            case .refused(let reason):
                inbox.refused()
                context.logger.error(
                    "the receiver refused an archive anchor; dropped",
                    metadata: ["segment": "\(anchor.segment)", "reason": "\(reason)"]
                )
            }
        }
    }

    /// Failed attempts at shutdown before the remaining anchors are dropped.
    static let finalAnchorAttempts = 3

    /// Starts workers while one would find a request to send; always one while events are
    /// queued, even if they only wait for a backoff, so none is stranded.
    private static func startWorkers(
        _ workers: inout ThrowingTaskGroup<Void, any Error>,
        running: inout Int,
        maximum: Int,
        _ delivery: HTTPDelivery,
        _ finished: FinishedWorkers
    ) {
        while running < maximum, delivery.hasWork(orWaiting: running == 0) {
            workers.addTask {
                defer { finished.increment() }
                try await delivery.work()
            }
            running += 1
        }
    }

    /// Request size limits: `batch.max_events`, `batch.max_bytes` and the dialect's framing.
    var requestLimits: HTTPDelivery.StateMachine.Limits {
        HTTPDelivery.StateMachine.Limits(
            maximumEvents: max(1, batch.maximumEvents),
            maximumBytes: max(
                1,
                configuration.mode == .azureMonitor
                    ? AzureMonitorDialect.rowBudget(configured: batch.maximumBytes) : batch.maximumBytes
            ),
            framing: dialect.framingPerEvent
        )
    }

    /// Encodes every event of `batch` into one buffer; requests are slices of it.
    func encode(_ batch: Batch) -> EncodedEvents {
        let readAt = RFC3339Timestamp.now
        var writer = JSONWriter(capacity: batch.byteSize * 2 + 256)
        var events: [EncodedEvent] = []
        events.reserveCapacity(batch.events.count)
        for event in batch.events {
            let start = writer.bytes.count
            dialect.encode(event, readAt: readAt, into: &writer)
            events.append(
                EncodedEvent(
                    batch: batch.sequence,
                    index: event.index,
                    activityID: event.activity.id,
                    record: event.activity.rawJSON,
                    range: start..<writer.bytes.count
                )
            )
        }
        return EncodedEvents(bytes: writer.bytes, events: events)
    }
}

/// Printing or dumping a sink shows its name, mode and `scheme://host:port`, never its headers
/// (they hold the credentials) or the URL's path and query (which may).
extension HTTPSink: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "HTTPSink(name: \(name), mode: \(configuration.mode.name), endpoint: \(settings.endpoint.redacted))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["name": name, "mode": configuration.mode.name, "endpoint": settings.endpoint.redacted],
            displayStyle: .struct
        )
    }
}
