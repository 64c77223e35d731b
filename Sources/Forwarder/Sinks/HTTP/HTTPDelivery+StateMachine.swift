import ComplianceAPI

extension HTTPDelivery {
    /// Every decision of the HTTP delivery, as a value without I/O: which events go in the next
    /// request, and what a reply (or a failure to get one) means for them. ``HTTPDelivery`` feeds
    /// it events, replies and the time, and carries out what it returns.
    ///
    /// Events wait in a queue until a request slot takes them. A request is composed from the
    /// queue's head up to the request limits, so events the receiver deferred (`_bulk` items
    /// answered 429/503, HEC events not processed) go first, riding along with the events behind
    /// them: a receiver that defers a tenth of every request costs a tenth more requests, not a
    /// backoff per request. Only pushback on a whole request (429/5xx, no reply, every event
    /// deferred) waits, and then only that request's slot. An event deferred
    /// ``Policy/deferralsBeforeBackoff`` times in a row waits its own backoff before riding again.
    ///
    /// Requests split to find an event at fault are sent as they are, never merged again.
    struct StateMachine {
        struct Limits: Sendable {
            var maximumEvents: Int
            var maximumBytes: Int
            /// Bytes of framing per event (separators), counted against ``maximumBytes``.
            var framing: Int
        }

        struct Policy: Sendable {
            var backoff: RetryPolicy
            var unhealthyAfterFailures: Int
            var maximumRejectionStreak: Int
            /// Splunk HEC indexer acknowledgement is on: accepted events await their `ackId`.
            var indexerAcks: Bool
            var deferralsBeforeBackoff = 4
        }

        /// Events ready for a request at `notBefore` (`nil`: at once).
        private struct Waiting {
            var events: EncodedEvents
            var notBefore: ContinuousClock.Instant?
            /// A split half or a resend that must go as it is.
            var isWhole: Bool
        }

        private struct Request {
            var events: EncodedEvents
            var failures = 0
        }

        enum Next: Equatable {
            /// Send `events` as request `id`, then report the result to ``replied(_:outcome:now:)``.
            case send(id: UInt64, events: EncodedEvents)
            /// Only events that wait for a backoff are queued: sleep until then and ask again.
            case wait(until: ContinuousClock.Instant)
            /// Nothing is queued.
            case idle
        }

        /// What the driver carries out after a reply, in this order.
        struct Reaction: Equatable {
            var delivered: [EncodedEvent] = []
            var deadLetter: [HTTPDelivery.Refusal] = []
            /// Accepted by Splunk; delivered once `ackId` is confirmed.
            var awaitIndexerAck: IndexerAck?
            var notes: [Note] = []
            /// Send these events as the same request again after the backoff for `attempt`.
            var sendAgain: Retry?
        }

        struct IndexerAck: Equatable {
            var id: UInt64
            var events: EncodedEvents
        }

        struct Retry: Equatable {
            var events: EncodedEvents
            var attempt: Int
            var retryAfter: Duration?
        }

        /// For logs, metrics and health.
        enum Note: Equatable {
            /// A reply came: the receiver is reachable.
            case healthy
            /// A failed attempt; `unhealthy` when the sink should report it.
            case failed(HTTPSinkError, events: Int, attempt: Int, unhealthy: Bool)
            /// Events sent again (metrics).
            case retried(Int)
            /// The receiver deferred some events of a request; they ride along with the next one.
            case deferred(Int)
            /// A refused request is split in halves.
            case splitting(events: Int, reason: HTTPSinkError)
            /// Splunk accepted without an ackId although indexer acknowledgement is on (said once).
            case missingIndexerAckID
            /// The receiver stored a request but reports `rejected` of its `events` refused without
            /// naming them (OTLP `partial_success`); the request spans `firstID` … `lastID`.
            case partiallyRejected(rejected: Int, events: Int, message: String, firstID: String, lastID: String)
        }

        let limits: Limits
        let policy: Policy
        private var queue: [Waiting] = []
        private var inFlight: [UInt64: Request] = [:]
        private var nextID: UInt64 = 0
        private var consecutiveFailures = 0
        /// Events dead-lettered one by one after whole-request refusals since one was delivered.
        private var rejectionStreak = 0
        private var warnedAboutMissingIndexerAckID = false

        init(limits: Limits, policy: Policy) {
            self.limits = limits
            self.policy = policy
        }

        /// Events queued, not yet in a request.
        var queuedEventCount: Int { queue.reduce(0) { $0 + $1.events.count } }
        var requestsInFlight: Int { inFlight.count }
        var isQueueEmpty: Bool { queue.isEmpty }

        /// Whether a request could be composed at `now`.
        func hasReadyEvents(now: ContinuousClock.Instant) -> Bool {
            queue.contains { $0.notBefore.map { $0 <= now } ?? true }
        }

        /// New events from the pipeline, behind everything queued.
        mutating func enqueue(_ events: EncodedEvents) {
            guard !events.isEmpty else { return }
            queue.append(Waiting(events: events, notBefore: nil, isWhole: false))
        }

        /// Events to send again as one request (expired or displaced HEC indexer acks), first.
        mutating func enqueueWhole(_ events: EncodedEvents) {
            guard !events.isEmpty else { return }
            queue.insert(Waiting(events: events, notBefore: nil, isWhole: true), at: 0)
        }

        /// The next request: a whole one if one is ready, else ready events from the head of the
        /// queue up to the limits.
        mutating func next(now: ContinuousClock.Instant) -> Next {
            let ready = { (waiting: Waiting) in waiting.notBefore.map { $0 <= now } ?? true }
            if let index = queue.firstIndex(where: { $0.isWhole && ready($0) }) {
                return start(queue.remove(at: index).events)
            }
            var taken: [EncodedEvents] = []
            var count = 0
            var bytes = 0
            var index = 0
            while index < queue.count, count < limits.maximumEvents {
                guard !queue[index].isWhole, ready(queue[index]) else {
                    index += 1
                    continue
                }
                let events = queue[index].events
                let fitting = events.prefixCount(limits: limits, events: count, bytes: &bytes)
                if fitting == 0 { break }
                count += fitting
                if fitting == events.count {
                    taken.append(events)
                    queue.remove(at: index)
                } else {
                    taken.append(events.with(events.events[..<fitting]))
                    queue[index].events = events.with(events.events[fitting...])
                    break
                }
            }
            if !taken.isEmpty { return start(taken.count == 1 ? taken[0] : EncodedEvents(joining: taken)) }
            if let earliest = queue.compactMap(\.notBefore).min() { return .wait(until: earliest) }
            return .idle
        }

        private mutating func start(_ events: EncodedEvents) -> Next {
            nextID += 1
            inFlight[nextID] = Request(events: events)
            return .send(id: nextID, events: events)
        }

        /// What `outcome` (the reply to request `id`, or the failure to get one) means.
        mutating func replied(
            _ id: UInt64,
            outcome: RequestOutcome,
            now: ContinuousClock.Instant,
            using generator: inout some RandomNumberGenerator
        ) -> Reaction {
            guard var request = inFlight.removeValue(forKey: id) else { return Reaction() }
            var reaction = Reaction()
            switch outcome {
            case .accepted(let indexerAckID):
                succeeded(&reaction)
                accepted(request.events, indexerAckID: indexerAckID, into: &reaction)
            case .acceptedPartially(let rejected, let message):
                succeeded(&reaction)
                reaction.notes.append(
                    .partiallyRejected(
                        rejected: rejected,
                        events: request.events.count,
                        message: message,
                        firstID: request.events.events.first?.activityID ?? "",
                        lastID: request.events.events.last?.activityID ?? ""
                    )
                )
                delivered(request.events.events, into: &reaction)
            case .perEvent(let outcomes):
                succeeded(&reaction)
                settle(&request, outcomes: outcomes, now: now, into: &reaction, using: &generator)
            case .retry(let error, let retryAfter):
                reaction.notes.append(.retried(request.events.count))
                retryWhole(&request, error: error, retryAfter: retryAfter, into: &reaction)
            case .configuration(let error):
                retryWhole(&request, error: error, retryAfter: nil, into: &reaction)
            case .tooLarge(let error), .rejected(let error):
                succeeded(&reaction)
                refused(&request, error: error, into: &reaction)
            }
            if let retry = reaction.sendAgain {
                request.events = retry.events
                inFlight[id] = request
            }
            return reaction
        }

        /// A dead-letter write failed and will be retried: the sink is unhealthy meanwhile.
        mutating func deadLetterWriteFailed() { consecutiveFailures += 1 }

        /// A dead-letter write went through after failing.
        mutating func deadLetterWriteRecovered() { consecutiveFailures = 0 }

        private mutating func succeeded(_ reaction: inout Reaction) {
            consecutiveFailures = 0
            reaction.notes.append(.healthy)
        }

        private mutating func delivered(_ events: [EncodedEvent], into reaction: inout Reaction) {
            guard !events.isEmpty else { return }
            rejectionStreak = 0
            reaction.delivered += events
        }

        private mutating func accepted(_ events: EncodedEvents, indexerAckID: UInt64?, into reaction: inout Reaction) {
            guard policy.indexerAcks else { return delivered(events.events, into: &reaction) }
            guard let indexerAckID else {
                // Splunk queued the events but offers no confirmation (the token has acks off).
                // Sending them again would only duplicate them: they count as delivered.
                if !warnedAboutMissingIndexerAckID {
                    warnedAboutMissingIndexerAckID = true
                    reaction.notes.append(.missingIndexerAckID)
                }
                return delivered(events.events, into: &reaction)
            }
            reaction.awaitIndexerAck = IndexerAck(id: indexerAckID, events: events)
        }

        private mutating func settle(
            _ request: inout Request,
            outcomes: [EventOutcome],
            now: ContinuousClock.Instant,
            into reaction: inout Reaction,
            using generator: inout some RandomNumberGenerator
        ) {
            let events = request.events
            guard outcomes.count == events.count else {
                // A dialect bug; sending everything again is safe, guessing is not.
                let error = HTTPSinkError(
                    code: .malformedReply,
                    message: "the receiver answered \(outcomes.count) results for \(events.count) events"
                )
                return retryWhole(&request, error: error, retryAfter: nil, into: &reaction)
            }
            var delivered: [EncodedEvent] = []
            var deferred: [EncodedEvent] = []
            var overloaded = false
            for (event, outcome) in zip(events.events, outcomes) {
                switch outcome {
                case .delivered: delivered.append(event)
                case .deadLetter(let status, let reason):
                    reaction.deadLetter.append(HTTPDelivery.Refusal(event: event, status: status, reason: reason))
                case .retry:
                    overloaded = true
                    var again = event
                    again.deferrals += 1
                    deferred.append(again)
                case .resend: deferred.append(event)
                }
            }
            self.delivered(delivered, into: &reaction)
            guard !deferred.isEmpty else { return }
            reaction.notes.append(.retried(deferred.count))
            if deferred.count == events.count, overloaded {
                // Nothing got through: pushback on the whole request.
                request.failures += 1
                reaction.sendAgain = Retry(events: events.with(deferred), attempt: request.failures, retryAfter: nil)
                return
            }
            reaction.notes.append(.deferred(deferred.count))
            // Deferred events ride along at once, except those the receiver keeps deferring.
            let threshold = policy.deferralsBeforeBackoff
            let riding = deferred.filter { $0.deferrals < threshold }
            let resting = deferred.filter { $0.deferrals >= threshold }
            if !resting.isEmpty {
                let longest = resting.map(\.deferrals).max() ?? threshold
                let delay = policy.backoff.delay(retry: longest - threshold + 1, retryAfter: nil, using: &generator)
                queue.insert(Waiting(events: events.with(resting), notBefore: now + delay, isWhole: false), at: 0)
            }
            if !riding.isEmpty {
                queue.insert(Waiting(events: events.with(riding), notBefore: nil, isWhole: false), at: 0)
            }
        }

        private mutating func retryWhole(
            _ request: inout Request,
            error: HTTPSinkError,
            retryAfter: Duration?,
            into reaction: inout Reaction
        ) {
            request.failures += 1
            consecutiveFailures += 1
            let unhealthy = error.code == .configuration || consecutiveFailures >= policy.unhealthyAfterFailures
            reaction.notes.append(
                .failed(error, events: request.events.count, attempt: request.failures, unhealthy: unhealthy)
            )
            reaction.sendAgain = Retry(events: request.events, attempt: request.failures, retryAfter: retryAfter)
        }

        /// 413, or a refusal naming no event: split in halves, or dead-letter a lone event —
        /// unless events have been refused one by one for a while with none delivered: then the
        /// receiver's contract changed, not the data, and the events are held instead.
        private mutating func refused(_ request: inout Request, error: HTTPSinkError, into reaction: inout Reaction) {
            let events = request.events
            guard events.count == 1 else {
                reaction.notes.append(.splitting(events: events.count, reason: error))
                let (first, second) = events.halves()
                enqueueWhole(second)
                enqueueWhole(first)
                return
            }
            if error.code == .rejected {
                if rejectionStreak >= policy.maximumRejectionStreak {
                    let held = HTTPSinkError(
                        code: .configuration,
                        message:
                            "the receiver refused the last \(rejectionStreak) events one by one and accepted none: "
                            + "holding events until it accepts again (last refusal: \(error.message))",
                        status: error.status
                    )
                    return retryWhole(&request, error: held, retryAfter: nil, into: &reaction)
                }
                rejectionStreak += 1
            }
            reaction.deadLetter += events.events.map {
                HTTPDelivery.Refusal(event: $0, status: error.status ?? 0, reason: error.message)
            }
        }
    }

    /// An event the receiver refused for good, for the dead-letter file.
    struct Refusal: Equatable, Sendable {
        var event: EncodedEvent
        var status: Int
        var reason: String
    }
}
