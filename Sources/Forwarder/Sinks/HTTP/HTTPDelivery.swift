import ComplianceAPI
import ForwarderCore
import Logging
import NIOHTTP1
import Synchronization

/// Sends encoded events until every one is delivered, dead-lettered, or (HEC indexer
/// acknowledgement) waiting for Splunk's confirmation — and acknowledges each to the pipeline
/// only then.
///
/// The decisions are ``StateMachine``'s, a value tested without I/O; this type does the I/O
/// around it. Events are queued (``enqueue(_:)``); up to `max_in_flight` workers (``work()``)
/// take requests from the queue, send them and carry out the reaction to each reply:
/// - accepted → acknowledge every event (or, with indexer acks, wait for Splunk's confirmation);
/// - per-event results → acknowledge the delivered ones, dead-letter the refused ones, and queue
///   the deferred ones first, so they ride along with the next request at once; events that
///   succeeded are never sent again;
/// - retryable failure (no reply, 408/429/5xx, every event deferred) → this worker waits the
///   backoff (exponential, jittered, capped, `Retry-After` as a floor) and sends the same events
///   again; the other workers go on;
/// - configuration error (401/403, a HEC token or index code) → the same, plus unhealthy and an
///   error log: nothing is acknowledged, so the pipeline stops fetching instead of losing events;
/// - 413 or a refusal that names no event → split in halves; a single event that is still
///   refused is dead-lettered — unless the receiver has refused every event one by one for a
///   while (``Settings/maximumRejectionStreak``): then its contract changed, and the events are
///   held like for a configuration error rather than all dead-lettered.
final class HTTPDelivery: Sendable {
    struct Settings: Sendable {
        var endpoint: HTTPEndpoint
        /// Content type, credentials, custom headers: everything but encoding and signature.
        var headers: HTTPHeaders
        var gzipLevel: Int32?
        var signer: WebhookSigner?
        var backoff: RetryPolicy
        /// Consecutive failed attempts before a merely overloaded receiver turns the sink unhealthy.
        var unhealthyAfterFailures: Int
        /// Events isolated and dead-lettered one by one, with none delivered in between, after
        /// which further refusals are treated as a configuration error.
        var maximumRejectionStreak: Int
        var indexerAcks: IndexerAckSettings?
        /// `mode: azure_monitor`: requests carry an Entra ID bearer token.
        var entra: EntraSettings? = nil
        /// `mode: otlp`: counts the log records collectors reject in `partial_success`.
        var otlpStatistics: OTLPSinkStatistics? = nil
    }

    /// Where and how the Entra ID token is requested.
    struct EntraSettings: Sendable {
        var azure: ForwarderConfiguration.HTTPSink.AzureMonitor
        var credential: EntraTokenProvider.ClientCredential
    }

    /// Splunk HEC indexer acknowledgement settings.
    struct IndexerAckSettings: Sendable {
        var endpoint: HTTPEndpoint
        var headers: HTTPHeaders
        var timeout: Duration
        var pollInterval: Duration
        var maximumPendingEvents: Int
    }

    let dialect: any HTTPDialect
    let transport: HTTPTransport
    /// Bearer tokens for `mode: azure_monitor`.
    let tokens: EntraTokenProvider?
    let settings: Settings
    let context: SinkContext
    let scrubber: SecretScrubber
    let indexerAcks = SplunkIndexerAcks()
    private let machine: Mutex<StateMachine>
    let pollerStopping = Mutex(false)

    init(
        dialect: any HTTPDialect,
        transport: HTTPTransport,
        settings: Settings,
        limits: StateMachine.Limits,
        context: SinkContext,
        scrubber: SecretScrubber,
        tokens: EntraTokenProvider? = nil
    ) {
        self.dialect = dialect
        self.transport = transport
        self.tokens = tokens
        self.settings = settings
        self.context = context
        self.scrubber = scrubber
        self.machine = Mutex(
            StateMachine(
                limits: limits,
                policy: StateMachine.Policy(
                    backoff: settings.backoff,
                    unhealthyAfterFailures: settings.unhealthyAfterFailures,
                    maximumRejectionStreak: settings.maximumRejectionStreak,
                    indexerAcks: settings.indexerAcks != nil
                )
            )
        )
    }

    var logger: Logger { context.logger }

    /// Queues a pipeline batch's events behind the ones already waiting.
    func enqueue(_ events: EncodedEvents) {
        machine.withLock { $0.enqueue(events) }
    }

    /// Events queued and not yet in a request.
    var queuedEventCount: Int { machine.withLock { $0.queuedEventCount } }

    /// Whether another worker would find a request to send now; with `orWaiting`, also when
    /// queued events only wait for their backoff.
    func hasWork(orWaiting: Bool) -> Bool {
        machine.withLock { orWaiting ? !$0.isQueueEmpty : $0.hasReadyEvents(now: .now) }
    }

    /// Sends requests from the queue until it is empty. Throws only cancellation and what
    /// cannot be retried.
    func work() async throws {
        while true {
            switch machine.withLock({ $0.next(now: .now) }) {
            case .idle:
                return
            case .wait(let until):
                try await Task.sleep(until: until, clock: .continuous)
            case .send(let id, let events):
                try await send(id, events)
            }
        }
    }

    /// Sends the events queued now and waits until none is left: for resends outside the workers.
    func deliver(_ events: EncodedEvents) async throws {
        machine.withLock { $0.enqueueWhole(events) }
        try await work()
    }

    /// Sends request `id` until the receiver has answered for every event of it.
    private func send(_ id: UInt64, _ events: EncodedEvents) async throws {
        var events = events
        while true {
            let outcome = try await attempt(events)
            let reaction = machine.withLock { machine in
                var generator = SystemRandomNumberGenerator()
                return machine.replied(id, outcome: outcome, now: .now, using: &generator)
            }
            try await carryOut(reaction)
            guard let retry = reaction.sendAgain else { return }
            try await pause(retry.attempt, retryAfter: retry.retryAfter)
            events = retry.events
        }
    }

    private func carryOut(_ reaction: StateMachine.Reaction) async throws {
        for note in reaction.notes { record(note) }
        delivered(reaction.delivered)
        try await deadLetter(reaction.deadLetter)
        if let pending = reaction.awaitIndexerAck, let displaced = indexerAcks.add(pending.id, events: pending.events) {
            logger.warning(
                "Splunk reused an ackId that was still pending (restarted?); sending the older request again",
                metadata: ["ack_id": "\(pending.id)", "events": "\(displaced.count)"]
            )
            context.metrics.retried.increment(by: displaced.count)
            machine.withLock { $0.enqueueWhole(displaced) }
        }
    }

    private func record(_ note: StateMachine.Note) {
        switch note {
        case .healthy:
            if !context.metrics.health.isHealthy { context.metrics.health.markHealthy() }
        case .failed(let error, let events, let attempt, let unhealthy):
            recordFailure(error, events: events, attempt: attempt, unhealthy: unhealthy)
        case .retried(let count):
            context.metrics.retried.increment(by: count)
        case .deferred(let count):
            logger.debug(
                "receiver deferred some events; they go with the next request",
                metadata: ["events": "\(count)"]
            )
        case .splitting(let events, let reason):
            logger.info(
                "splitting a refused request to isolate the events at fault",
                metadata: ["events": "\(events)", "reason": "\(scrubber.scrub(reason.description))"]
            )
        case .missingIndexerAckID:
            logger.warning(
                "Splunk accepted events without an ackId: indexer acknowledgement is off for this token, so events count as delivered on HTTP 200"
            )
        case .partiallyRejected(let rejected, let events, let message, let firstID, let lastID):
            settings.otlpStatistics?.rejected(rejected)
            // OTLP does not say which records: they cannot be dead-lettered one by one.
            logger.warning(
                "the collector stored the request but rejected some log records without naming them",
                metadata: [
                    "rejected": "\(rejected)", "events": "\(events)", "error_message": "\(scrubber.scrub(message))",
                    "first_id": "\(firstID)", "last_id": "\(lastID)",
                ]
            )
        }
    }

    /// One request: frame, compress, sign, send, classify. Failures without a reply become
    /// ``RequestOutcome/retry(_:retryAfter:)``; only cancellation is thrown.
    func attempt(_ events: EncodedEvents) async throws -> RequestOutcome {
        var body = dialect.body(for: events)
        var headers = settings.headers
        if let level = settings.gzipLevel, let compressed = GzipRequestBody.compress(body, level: level) {
            body = compressed
            headers.replaceOrAdd(name: "Content-Encoding", value: "gzip")
        }
        if let signer = settings.signer {
            let timestamp = RFC3339Timestamp.now.secondsSinceEpoch
            headers.replaceOrAdd(name: signer.timestampHeader, value: String(timestamp))
            headers.replaceOrAdd(name: signer.header, value: signer.signature(body: body, timestamp: timestamp))
        }
        do {
            guard let tokens else {
                let reply = try await transport.send(url: settings.endpoint.url, headers: headers, body: body)
                return dialect.classify(reply, for: events)
            }
            var authorization = try await tokens.authorization()
            headers.replaceOrAdd(name: "Authorization", value: authorization)
            var reply = try await transport.send(url: settings.endpoint.url, headers: headers, body: body)
            if reply.status == 401 {
                // Entra may revoke a token before it expires: one fresh token, then it is a
                // configuration problem (held, retried with backoff, never dead-lettered).
                logger.info("the receiver refused the bearer token (401); requesting a new one")
                authorization = try await tokens.authorization(replacing: authorization)
                headers.replaceOrAdd(name: "Authorization", value: authorization)
                reply = try await transport.send(url: settings.endpoint.url, headers: headers, body: body)
            }
            return dialect.classify(Self.scrubbing(reply, token: authorization), for: events)
        } catch let error as HTTPSinkError {
            return error.code == .configuration ? .configuration(error) : .retry(error, retryAfter: nil)
        }
    }

    /// A reply that echoed the bearer token (a proxy's error page) has it removed: tokens change,
    /// so the fixed ``SecretScrubber`` does not know them.
    private static func scrubbing(_ reply: HTTPReply, token authorization: String) -> HTTPReply {
        let token = authorization.dropFirst("Bearer ".count)
        guard !reply.body.isEmpty, token.count >= 8 else { return reply }
        let text = String(decoding: reply.body, as: UTF8.self)
        guard text.contains(token) else { return reply }
        var scrubbed = reply
        scrubbed.body = Array(text.replacing(token, with: "<redacted>").utf8)
        return scrubbed
    }

    /// Acknowledges delivered events to the pipeline and counts them.
    func delivered(_ events: [EncodedEvent]) {
        guard !events.isEmpty else { return }
        acknowledgeToPipeline(events)
        context.metrics.delivered.increment(by: events.count)
    }

    /// Acknowledges events (delivered or dead-lettered), grouped by batch.
    private func acknowledgeToPipeline(_ events: [EncodedEvent]) {
        var start = 0
        while start < events.count {
            let batch = events[start].batch
            var end = start
            while end < events.count, events[end].batch == batch { end += 1 }
            context.acknowledge(batch: batch, events: events[start..<end].map(\.index))
            start = end
        }
    }

    /// Writes refused events to the dead-letter file, then acknowledges them. A failing write
    /// (full disk) is retried with backoff: an event is acknowledged only once it is on disk.
    func deadLetter(_ refused: [Refusal]) async throws {
        guard !refused.isEmpty else { return }
        let entries = refused.map { item in
            DeadLetterWriter.Entry(
                stage: "sink",
                name: context.name,
                reason: scrubber.scrub(item.reason),
                status: item.status == 0 ? nil : item.status,
                record: item.event.record
            )
        }
        var failures = 0
        while true {
            do {
                try context.deadLetters.write(entries)
                if failures > 0 {
                    machine.withLock { $0.deadLetterWriteRecovered() }
                    context.metrics.health.markHealthy()
                }
                break
            } catch {
                guard error.isRetryable else { throw error }
                failures += 1
                machine.withLock { $0.deadLetterWriteFailed() }
                context.metrics.health.markUnhealthy("cannot write the dead-letter file: \(error)")
                logger.error("dead-letter write failed; retrying", metadata: ["error": "\(error)"])
                try await pause(failures, retryAfter: nil)
            }
        }
        acknowledgeToPipeline(refused.map(\.event))
        context.metrics.deadLettered.increment(by: refused.count)
        logger.error(
            "receiver refused events; written to the dead-letter file",
            metadata: [
                "events": "\(refused.count)",
                "status": "\(refused[0].status)",
                "reason": "\(entries[0].reason)",
                "first_id": "\(refused[0].event.activityID)",
            ]
        )
    }

    /// Waits before retry number `attempt`: the jittered exponential backoff, at least
    /// `retryAfter` (itself capped by ``RetryAfter/ceiling``).
    func pause(_ attempt: Int, retryAfter: Duration?) async throws {
        try await Task.sleep(for: settings.backoff.delay(retry: attempt, retryAfter: retryAfter))
    }

    /// Logs a failed attempt and turns the sink unhealthy: at once for configuration errors,
    /// after a few attempts for an overloaded receiver (a single 503 is not an outage).
    private func recordFailure(_ error: HTTPSinkError, events: Int, attempt: Int, unhealthy: Bool) {
        let message = scrubber.scrub(error.description)
        let metadata: Logger.Metadata = [
            "endpoint": "\(settings.endpoint.redacted)", "error": "\(message)", "events": "\(events)",
            "attempt": "\(attempt)",
        ]
        if error.code == .configuration {
            context.metrics.health.markUnhealthy(message)
            logger.error(
                "HTTP sink is misconfigured; holding events and retrying until it is fixed",
                metadata: metadata
            )
        } else {
            if unhealthy { context.metrics.health.markUnhealthy(message) }
            logger.warning("HTTP request failed; retrying", metadata: metadata)
        }
    }
}
