import ComplianceAPI
import Testing

@testable import Forwarder

/// The HTTP delivery's decisions, without I/O: what goes in each request and what a reply means.
@Suite struct HTTPDeliveryStateMachineTests {
    typealias Machine = HTTPDelivery.StateMachine

    static let start = ContinuousClock.now

    /// `count` events of 10 bytes each (`e<index>` padded), in one buffer, of pipeline batch `batch`.
    static func events(_ range: Range<Int>, batch: UInt64 = 1) -> EncodedEvents {
        var bytes: [UInt8] = []
        var events: [EncodedEvent] = []
        for index in range {
            let start = bytes.count
            let text = "e\(index)"
            bytes += Array((text + String(repeating: ".", count: max(0, 10 - text.count))).utf8)
            events.append(
                EncodedEvent(
                    batch: batch,
                    index: index,
                    activityID: "act_\(index)",
                    record: "{}",
                    range: start..<bytes.count
                )
            )
        }
        return EncodedEvents(bytes: bytes, events: events)
    }

    static func machine(
        maximumEvents: Int = 4,
        maximumBytes: Int = 1_000,
        indexerAcks: Bool = false,
        rejectionStreak: Int = 20
    ) -> Machine {
        Machine(
            limits: Machine.Limits(maximumEvents: maximumEvents, maximumBytes: maximumBytes, framing: 0),
            policy: Machine.Policy(
                backoff: RetryPolicy(
                    initialBackoff: .seconds(1),
                    maximumBackoff: .seconds(8),
                    jitter: 0,
                    maximumRetries: nil
                ),
                unhealthyAfterFailures: 3,
                maximumRejectionStreak: rejectionStreak,
                indexerAcks: indexerAcks
            )
        )
    }

    /// The next request's id and event indexes; records an issue when there is none.
    static func send(_ machine: inout Machine, at now: ContinuousClock.Instant = start) -> (UInt64, EncodedEvents) {
        guard case .send(let id, let events) = machine.next(now: now) else {
            Issue.record("expected a request")
            return (0, EncodedEvents())
        }
        return (id, events)
    }

    static func reply(
        _ machine: inout Machine,
        _ id: UInt64,
        _ outcome: RequestOutcome,
        at now: ContinuousClock.Instant = start
    ) -> Machine.Reaction {
        var generator = SystemRandomNumberGenerator()
        return machine.replied(id, outcome: outcome, now: now, using: &generator)
    }

    static let overloaded = EventOutcome.retry(reason: "es_rejected_execution_exception")

    @Test func requestsRespectCountAndBytes() {
        for (maximumEvents, maximumBytes, expected) in [
            (4, 10_000, [4, 4, 2]), (100, 30, [3, 3, 3, 1]), (100, 5, [1, 1]),
        ] {
            var machine = Self.machine(maximumEvents: maximumEvents, maximumBytes: maximumBytes)
            machine.enqueue(Self.events(0..<(expected == [1, 1] ? 2 : 10)))
            var sizes: [Int] = []
            while case .send(let id, let events) = machine.next(now: Self.start) {
                sizes.append(events.count)
                #expect(Self.reply(&machine, id, .accepted(indexerAckID: nil)).delivered == events.events)
            }
            // One event over the byte limit still goes, alone.
            #expect(sizes == expected, "max_events \(maximumEvents), max_bytes \(maximumBytes)")
            #expect(machine.next(now: Self.start) == .idle && machine.requestsInFlight == 0)
        }
    }

    /// The stall fix: items the receiver defers go with the next request at once, first, with
    /// no backoff, and the bytes sent are theirs.
    @Test func deferredItemsRideAlongWithTheNextRequest() {
        var machine = Self.machine()
        machine.enqueue(Self.events(0..<4))
        machine.enqueue(Self.events(4..<8, batch: 2))
        let (first, _) = Self.send(&machine)
        let reaction = Self.reply(&machine, first, .perEvent([.delivered, Self.overloaded, .delivered, .resend]))
        #expect(reaction.delivered.map(\.index) == [0, 2])
        #expect(reaction.sendAgain == nil)
        #expect(reaction.notes.contains(.deferred(2)) && reaction.notes.contains(.retried(2)))
        let (_, next) = Self.send(&machine)
        #expect(next.events.map(\.index) == [1, 3, 4, 5])
        #expect(next.events.map(\.deferrals) == [1, 0, 0, 0])
        #expect(String(decoding: next.bytes, as: UTF8.self) == "e1........e3........e4........e5........")
        #expect(Self.send(&machine).1.events.map(\.index) == [6, 7])
    }

    @Test func wholeRequestPushbackWaitsInItsOwnSlot() {
        var machine = Self.machine()
        machine.enqueue(Self.events(0..<8))
        let (first, events) = Self.send(&machine)
        let error = HTTPSinkError(code: .unavailable, message: "busy", status: 503)
        let reaction = Self.reply(&machine, first, .retry(error, retryAfter: .seconds(3)))
        #expect(reaction.sendAgain == Machine.Retry(events: events, attempt: 1, retryAfter: .seconds(3)))
        #expect(reaction.delivered.isEmpty && machine.requestsInFlight == 1)
        // Other slots go on meanwhile.
        #expect(Self.send(&machine).1.events.map(\.index) == [4, 5, 6, 7])
        let again = Self.reply(&machine, first, .retry(error, retryAfter: nil))
        #expect(again.sendAgain?.attempt == 2)
        let third = Self.reply(&machine, first, .retry(error, retryAfter: nil))
        #expect(third.notes.contains(.failed(error, events: 4, attempt: 3, unhealthy: true)))
        let done = Self.reply(&machine, first, .accepted(indexerAckID: nil))
        #expect(done.notes.contains(.healthy) && done.delivered.count == 4 && done.sendAgain == nil)
    }

    @Test func everyItemDeferredIsPushbackOnTheWholeRequest() {
        var machine = Self.machine()
        machine.enqueue(Self.events(0..<3))
        let (id, _) = Self.send(&machine)
        let reaction = Self.reply(&machine, id, .perEvent([.delivered, Self.overloaded, Self.overloaded]))
        #expect(reaction.sendAgain == nil)
        let (retried, events) = Self.send(&machine)
        let pushback = Self.reply(&machine, retried, .perEvent([Self.overloaded, Self.overloaded]))
        #expect(pushback.sendAgain?.events.events.map(\.index) == events.events.map(\.index))
        #expect(pushback.sendAgain?.attempt == 1)
        #expect(machine.isQueueEmpty)
    }

    /// An item deferred again and again stops riding along and waits its own backoff, while the
    /// events behind it go on.
    @Test func anItemDeferredRepeatedlyWaitsItsOwnBackoff() {
        var machine = Self.machine()
        machine.enqueue(Self.events(0..<2))
        var now = Self.start
        for round in 1...4 {
            let (id, events) = Self.send(&machine, at: now)
            #expect(events.events.first?.index == 0, "round \(round)")
            var outcomes = [Self.overloaded]
            outcomes += Array(repeating: EventOutcome.delivered, count: events.count - 1)
            machine.enqueue(Self.events((round * 10)..<(round * 10 + 1)))
            _ = Self.reply(&machine, id, .perEvent(outcomes), at: now)
            now += .milliseconds(10)
        }
        // Fourth deferral: event 0 rests 1 s (the first backoff); event 40 goes without it.
        #expect(Self.send(&machine, at: now).1.events.map(\.index) == [40])
        #expect(machine.next(now: now) == .wait(until: now - .milliseconds(10) + .seconds(1)))
        #expect(Self.send(&machine, at: now + .seconds(1)).1.events.map(\.index) == [0])
    }

    @Test func refusedRequestsAreSplitAndSentUnmerged() {
        var machine = Self.machine()
        machine.enqueue(Self.events(0..<4))
        machine.enqueue(Self.events(4..<8))
        let (id, _) = Self.send(&machine)
        let error = HTTPSinkError(code: .tooLarge, message: "too large", status: 413)
        let reaction = Self.reply(&machine, id, .tooLarge(error))
        #expect(reaction.notes.contains(.splitting(events: 4, reason: error)))
        let (left, first) = Self.send(&machine)
        let (_, second) = Self.send(&machine)
        #expect(first.events.map(\.index) == [0, 1] && second.events.map(\.index) == [2, 3])
        let rejected = HTTPSinkError(code: .rejected, message: "bad", status: 400)
        _ = Self.reply(&machine, left, .rejected(rejected))
        let (lone, one) = Self.send(&machine)
        #expect(one.events.map(\.index) == [0])
        let deadLetter = Self.reply(&machine, lone, .rejected(rejected))
        #expect(deadLetter.deadLetter.map(\.event.index) == [0] && deadLetter.deadLetter.first?.status == 400)
        #expect(deadLetter.sendAgain == nil)
    }

    /// After `maximumRejectionStreak` events refused one by one with none delivered, refusals
    /// hold the events (a configuration error) instead of dead-lettering them; a delivery resets.
    @Test func aStreakOfLoneRefusalsHoldsInsteadOfDeadLettering() {
        var machine = Self.machine(maximumEvents: 1, rejectionStreak: 2)
        machine.enqueue(Self.events(0..<4))
        let rejected = HTTPSinkError(code: .rejected, message: "bad", status: 422)
        for index in 0..<2 {
            let (id, _) = Self.send(&machine)
            #expect(Self.reply(&machine, id, .rejected(rejected)).deadLetter.map(\.event.index) == [index])
        }
        let (held, _) = Self.send(&machine)
        let reaction = Self.reply(&machine, held, .rejected(rejected))
        #expect(reaction.deadLetter.isEmpty && reaction.sendAgain?.attempt == 1)
        guard case .failed(let error, _, _, let unhealthy) = reaction.notes.last else {
            Issue.record("expected a failure note")
            return
        }
        #expect(error.code == .configuration && unhealthy)
        #expect(Self.reply(&machine, held, .accepted(indexerAckID: nil)).delivered.count == 1)
        let (next, _) = Self.send(&machine)
        #expect(Self.reply(&machine, next, .rejected(rejected)).deadLetter.count == 1)
    }

    @Test func indexerAcksHoldAcceptedEventsUntilConfirmed() {
        var machine = Self.machine(indexerAcks: true)
        machine.enqueue(Self.events(0..<8))
        let (first, events) = Self.send(&machine)
        let reaction = Self.reply(&machine, first, .accepted(indexerAckID: 7))
        #expect(reaction.delivered.isEmpty && reaction.awaitIndexerAck == Machine.IndexerAck(id: 7, events: events))
        let (second, _) = Self.send(&machine)
        let withoutID = Self.reply(&machine, second, .accepted(indexerAckID: nil))
        #expect(withoutID.delivered.count == 4 && withoutID.notes.contains(.missingIndexerAckID))
        machine.enqueueWhole(events)
        let (third, resent) = Self.send(&machine)
        #expect(resent == events)
        #expect(!Self.reply(&machine, third, .accepted(indexerAckID: nil)).notes.contains(.missingIndexerAckID))
    }

    @Test func mismatchedResultsResendEverything() {
        var machine = Self.machine()
        machine.enqueue(Self.events(0..<3))
        let (id, events) = Self.send(&machine)
        let reaction = Self.reply(&machine, id, .perEvent([.delivered]))
        #expect(reaction.delivered.isEmpty && reaction.sendAgain?.events == events)
    }

    /// OTLP `partial_success` naming no record: every event of the request is delivered (none
    /// can be dead-lettered), nothing is sent again, and a note carries the count, the
    /// collector's message and the request's id range for the log and the metric.
    @Test func partialAcceptanceDeliversEveryEventAndReportsTheRejections() {
        var machine = Self.machine()
        machine.enqueue(Self.events(0..<4))
        let (id, events) = Self.send(&machine)
        let reaction = Self.reply(&machine, id, .acceptedPartially(rejected: 3, message: "dropped by a filter"))
        #expect(reaction.delivered == events.events)
        #expect(reaction.deadLetter.isEmpty && reaction.sendAgain == nil)
        #expect(
            reaction.notes.contains(
                .partiallyRejected(
                    rejected: 3,
                    events: 4,
                    message: "dropped by a filter",
                    firstID: "act_0",
                    lastID: "act_3"
                )
            )
        )
        #expect(machine.next(now: Self.start) == .idle && machine.requestsInFlight == 0)
    }
}
