import ComplianceAPI
import Logging
import NIOHTTP1
import Synchronization

/// Sends encoded events until every one is delivered, dead-lettered, or (HEC indexer
/// acknowledgement) waiting for Splunk's confirmation — and acknowledges each to the pipeline
/// only then.
///
/// The loop for one request:
/// - accepted → acknowledge every event;
/// - per-event results → acknowledge the delivered ones, dead-letter the refused ones, send the
///   rest again (after a backoff when the receiver was overloaded, at once when they were merely
///   not processed); events that succeeded are never sent again;
/// - retryable failure (no reply, 408/429/5xx) → backoff (exponential, jittered, capped,
///   `Retry-After` as a floor), the same events again;
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
        var acknowledgement: Acknowledgement?
    }

    /// HEC indexer acknowledgement settings.
    struct Acknowledgement: Sendable {
        var endpoint: HTTPEndpoint
        var headers: HTTPHeaders
        var timeout: Duration
        var pollInterval: Duration
        var maximumPendingEvents: Int
    }

    let dialect: any HTTPDialect
    let transport: HTTPTransport
    let settings: Settings
    let context: SinkContext
    let scrubber: SecretScrubber
    let acknowledgements = SplunkAcknowledgementTracker()
    private let consecutiveFailures = Mutex(0)
    private let warnedAboutMissingAcknowledgementID = Mutex(false)
    let pollerStopping = Mutex(false)
    /// Events dead-lettered one by one after whole-request refusals since one was last delivered.
    private let rejectionStreak = Mutex(0)

    init(
        dialect: any HTTPDialect,
        transport: HTTPTransport,
        settings: Settings,
        context: SinkContext,
        scrubber: SecretScrubber
    ) {
        self.dialect = dialect
        self.transport = transport
        self.settings = settings
        self.context = context
        self.scrubber = scrubber
    }

    var logger: Logger { context.logger }

    /// Delivers `events` (one request's worth) and everything split from them.
    func deliver(_ events: EncodedEvents) async throws {
        var queue = [events]
        while !queue.isEmpty {
            var remaining = queue.removeFirst()
            var failures = 0
            while !remaining.isEmpty {
                switch try await attempt(remaining) {
                case .accepted(let acknowledgementID):
                    recordSuccess()
                    if let displaced = accepted(remaining, acknowledgementID: acknowledgementID) {
                        queue.append(displaced)
                    }
                    remaining = EncodedEvents()
                case .perEvent(let outcomes):
                    recordSuccess()
                    let (again, overloaded) = try await settle(remaining, outcomes: outcomes)
                    if !again.isEmpty {
                        context.metrics.retried.increment(by: again.count)
                        if overloaded || again.count == remaining.count {
                            failures += 1
                            logger.warning(
                                "receiver deferred some events; retrying them",
                                metadata: ["events": "\(again.count)", "attempt": "\(failures)"]
                            )
                            try await pause(failures, retryAfter: nil)
                        }
                    }
                    remaining = again
                case .retry(let error, let retryAfter):
                    failures += 1
                    recordFailure(error, events: remaining.count, attempt: failures)
                    context.metrics.retried.increment(by: remaining.count)
                    try await pause(failures, retryAfter: retryAfter)
                case .configuration(let error):
                    failures += 1
                    recordFailure(error, events: remaining.count, attempt: failures)
                    try await pause(failures, retryAfter: nil)
                case .tooLarge(let error), .rejected(let error):
                    recordSuccess()
                    if remaining.count == 1, error.code == .rejected, let streak = claimRejection() {
                        // Event after event refused with no event accepted: the receiver's
                        // contract changed, not the data. Hold the events instead of emptying
                        // the feed into the dead-letter file.
                        failures += 1
                        let held = HTTPSinkError(
                            code: .configuration,
                            message: "the receiver refused the last \(streak) events one by one and accepted none: "
                                + "holding events until it accepts again (last refusal: \(error.message))",
                            status: error.status
                        )
                        recordFailure(held, events: 1, attempt: failures)
                        try await pause(failures, retryAfter: nil)
                        continue
                    }
                    if remaining.count == 1 {
                        try await deadLetter(remaining.events.map { ($0, error.status ?? 0, error.message) })
                    } else {
                        logger.info(
                            "splitting a refused request to isolate the events at fault",
                            metadata: [
                                "events": "\(remaining.count)", "reason": "\(scrubber.scrub(error.description))",
                            ]
                        )
                        let (first, second) = remaining.halves()
                        queue.insert(contentsOf: [first, second], at: 0)
                    }
                    remaining = EncodedEvents()
                }
            }
        }
    }

    /// One request: frame, compress, sign, send, classify. Failures without a reply become
    /// ``RequestOutcome/retry(_:retryAfter:)``; only cancellation is thrown.
    private func attempt(_ events: EncodedEvents) async throws -> RequestOutcome {
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
            let reply = try await transport.send(url: settings.endpoint.url, headers: headers, body: body)
            return dialect.classify(reply, for: events)
        } catch let error as HTTPSinkError {
            return error.code == .configuration ? .configuration(error) : .retry(error, retryAfter: nil)
        }
    }

    /// Applies per-event outcomes; returns the events to send again, and whether any of them was
    /// deferred for overload (and so needs a backoff first).
    private func settle(
        _ events: EncodedEvents,
        outcomes: [EventOutcome]
    ) async throws -> (EncodedEvents, overloaded: Bool) {
        guard outcomes.count == events.count else {
            // A dialect bug; sending everything again is safe, guessing is not.
            return (events, true)
        }
        var delivered: [EncodedEvent] = []
        var refused: [(EncodedEvent, Int, String)] = []
        var again: [EncodedEvent] = []
        var overloaded = false
        for (event, outcome) in zip(events.events, outcomes) {
            switch outcome {
            case .delivered: delivered.append(event)
            case .deadLetter(let status, let reason): refused.append((event, status, reason))
            case .retry:
                overloaded = true
                again.append(event)
            case .resend: again.append(event)
            }
        }
        self.delivered(delivered)
        try await deadLetter(refused)
        return (events.with(again), overloaded)
    }

    /// Acknowledges accepted events, or holds them for Splunk's confirmation. Returns an older
    /// request whose ackId Splunk has just reused: it must be sent again.
    private func accepted(_ events: EncodedEvents, acknowledgementID: UInt64?) -> EncodedEvents? {
        guard settings.acknowledgement != nil else {
            delivered(events.events)
            return nil
        }
        guard let acknowledgementID else {
            // Splunk queued the events but offers no confirmation (the token has ack off). Sending
            // them again would only duplicate them; count them delivered and say so once.
            let first = warnedAboutMissingAcknowledgementID.withLock { warned in
                defer { warned = true }
                return !warned
            }
            if first {
                logger.warning(
                    "Splunk accepted events without an ackId: indexer acknowledgement is off for this token, so events count as delivered on HTTP 200"
                )
            }
            delivered(events.events)
            return nil
        }
        guard let displaced = acknowledgements.add(acknowledgementID, events: events) else { return nil }
        logger.warning(
            "Splunk reused an ackId that was still pending (restarted?); sending the older request again",
            metadata: ["ack_id": "\(acknowledgementID)", "events": "\(displaced.count)"]
        )
        context.metrics.retried.increment(by: displaced.count)
        return displaced
    }

    /// The streak length when it has reached the limit, else `nil` after counting one more
    /// refusal: one step, so requests in flight together cannot overshoot the limit.
    private func claimRejection() -> Int? {
        rejectionStreak.withLock { streak in
            if streak >= settings.maximumRejectionStreak { return streak }
            streak += 1
            return nil
        }
    }

    /// Acknowledges delivered events to the pipeline and counts them.
    func delivered(_ events: [EncodedEvent]) {
        if !events.isEmpty { rejectionStreak.withLock { $0 = 0 } }
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
    func deadLetter(_ refused: [(event: EncodedEvent, status: Int, reason: String)]) async throws {
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
                if failures > 0 { recordSuccess() }
                break
            } catch {
                guard error.isRetryable else { throw error }
                failures += 1
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
        var generator = SystemRandomNumberGenerator()
        var delay = settings.backoff.backoff(retry: attempt, using: &generator)
        if let retryAfter, retryAfter > delay { delay = retryAfter }
        try await Task.sleep(for: delay)
    }

    func recordSuccess() {
        consecutiveFailures.withLock { $0 = 0 }
        if !context.metrics.health.isHealthy { context.metrics.health.markHealthy() }
    }

    /// Logs a failed attempt and turns the sink unhealthy: at once for configuration errors,
    /// after a few attempts for an overloaded receiver (a single 503 is not an outage).
    func recordFailure(_ error: HTTPSinkError, events: Int, attempt: Int) {
        let failures = consecutiveFailures.withLock { count in
            count += 1
            return count
        }
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
            if failures >= settings.unhealthyAfterFailures { context.metrics.health.markUnhealthy(message) }
            logger.warning("HTTP request failed; retrying", metadata: metadata)
        }
    }
}
