import ComplianceAPI
import ForwarderCore
import Synchronization
import Testing

@testable import Forwarder

/// A Splunk HEC endpoint: `/services/collector/event` with partial acceptance of bad events,
/// busy storms, resets and slow replies, and `/services/collector/ack` for indexer
/// acknowledgement (some ackIds are never confirmed, as after an indexer failure).
final class SplunkReceiver: Sendable {
    struct Pending {
        var ids: [String]
        var polls = 0
    }

    struct State {
        var requests = 0
        var received: [String: Int] = [:]
        var tokenValid = true
        var nextAcknowledgementID: UInt64 = 0
        var pending: [UInt64: Pending] = [:]
        var confirmed: Set<String> = []
        var acknowledgementPolls = 0
        var channels: Set<String> = []
        var problems: [String] = []
    }

    static let token = "8d1c3b2a-6f7e-4d5c-9b8a-0123456789ab"

    let state = Mutex(State())
    let faults: Bool
    let acknowledgements: Bool
    /// Echo the request's Authorization header in error replies (a leaky proxy).
    let echoCredentials: Bool
    /// Refuse the events ``isPoison(_:)`` picks (code 6, with `invalid-event-number`).
    let poison: Bool
    /// Which events are bad; ``isPoison(_:)`` for ``HTTPTestEvents`` ids.
    let isPoisonID: @Sendable (String) -> Bool

    init(
        faults: Bool,
        poison: Bool? = nil,
        acknowledgements: Bool = false,
        echoCredentials: Bool = false,
        poisonRule: @escaping @Sendable (String) -> Bool = SplunkReceiver.isPoison
    ) {
        self.faults = faults
        self.poison = poison ?? faults
        self.isPoisonID = poisonRule
        self.acknowledgements = acknowledgements
        self.echoCredentials = echoCredentials
    }

    static func isPoison(_ id: String) -> Bool {
        guard let number = Int(id.dropFirst(4)) else { return false }
        return number % 4999 == 11
    }

    func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
        let (number, tokenValid) = state.withLock { state in
            state.requests += 1
            return (state.requests, state.tokenValid)
        }
        let echo = echoCredentials ? " (got \(request.headers.first(name: "Authorization") ?? "-"))" : ""
        guard tokenValid, request.headers.first(name: "Authorization") == "Splunk \(Self.token)" else {
            return .json(403, "{\"text\":\"Invalid token\(echo)\",\"code\":4}")
        }
        if request.path == "/services/collector/ack" { return acknowledge(request) }
        guard request.path == "/services/collector/event" else { return .json(404, "{\"text\":\"not found\"}") }
        if acknowledgements {
            guard let channel = request.headers.first(name: "X-Splunk-Request-Channel") else {
                return .json(400, "{\"text\":\"Data channel is missing\",\"code\":10}")
            }
            state.withLock { _ = $0.channels.insert(channel) }
        }
        if faults {
            if number % 40 < 5 { return .json(503, "{\"text\":\"Server is busy\(echo)\",\"code\":9}") }
            if number % 11 == 5 { return .reset }
        }
        var ids: [String] = []
        for line in (request.body ?? []).split(separator: UInt8(ascii: "\n")) {
            guard let envelope = (try? JSONParser.parse(Array(line)))?.objectValue,
                let id = envelope["fields"]?.objectValue?.string("activity_id"), envelope["time"] != nil,
                envelope["event"]?.objectValue != nil
            else {
                state.withLock { $0.problems.append("bad envelope") }
                return .json(400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":\(ids.count)}")
            }
            ids.append(id)
        }
        if poison, let bad = ids.firstIndex(where: isPoisonID) {
            // Events before the bad one are indexed; the rest are not.
            state.withLock { state in
                for id in ids[..<bad] { state.received[id, default: 0] += 1 }
            }
            return .json(400, "{\"text\":\"Invalid data format\(echo)\",\"code\":6,\"invalid-event-number\":\(bad)}")
        }
        let reply: TestHTTPResponse = state.withLock { state in
            for id in ids { state.received[id, default: 0] += 1 }
            guard acknowledgements else { return .json(200, "{\"text\":\"Success\",\"code\":0}") }
            let ackID = state.nextAcknowledgementID
            state.nextAcknowledgementID += 1
            state.pending[ackID] = Pending(ids: ids)
            return .json(200, "{\"text\":\"Success\",\"code\":0,\"ackId\":\(ackID)}")
        }
        if faults, number % 13 == 6 { return .delayed(.milliseconds(800), reply) }
        return reply
    }

    /// Confirms an ackId on its second poll, except every 7th id, which is never confirmed.
    private func acknowledge(_ request: TestHTTPRequest) -> TestHTTPResponse {
        guard let channel = request.query("channel"),
            channel == request.headers.first(name: "X-Splunk-Request-Channel"),
            let ids = (try? JSONParser.parse(request.body ?? []))?.objectValue?["acks"]?.arrayValue
        else {
            state.withLock { $0.problems.append("bad ack poll") }
            return .json(400, "{\"text\":\"Invalid data format\",\"code\":6}")
        }
        let members: [String] = state.withLock { state in
            state.acknowledgementPolls += 1
            return ids.compactMap(\.int64Value).map { raw in
                let id = UInt64(raw)
                guard var pending = state.pending[id], id % 7 != 3 else { return "\"\(id)\":false" }
                pending.polls += 1
                state.pending[id] = pending
                guard pending.polls >= 2 else { return "\"\(id)\":false" }
                state.confirmed.formUnion(pending.ids)
                return "\"\(id)\":true"
            }
        }
        return .json(200, "{\"acks\":{\(members.joined(separator: ","))}}")
    }
}

@Suite struct HTTPSplunkHECSinkTests {
    static func sink(
        url: String,
        acknowledgement: ForwarderConfiguration.HTTPSink.Acknowledgement = .init(),
        maximumEvents: Int = 500,
        timeout: Duration = .seconds(10)
    ) throws -> HTTPSink {
        try HTTPSink(
            name: "splunk",
            configuration: ForwarderConfiguration.HTTPSink(
                mode: .splunkHEC,
                url: url + "/services/collector/event",
                token: Secret(SplunkReceiver.token),
                index: "security",
                source: "claude-compliance",
                sourcetype: "claude:compliance:ecs",
                timeout: timeout,
                ack: acknowledgement,
                retry: HTTPSinkHarness.fastRetry
            ),
            batch: .init(maximumEvents: maximumEvents),
            encoder: EventEncoder(format: .ecs)
        )
    }

    /// 50 000 activities through busy storms, resets, slow replies and partially accepted
    /// batches: every id is delivered or dead-lettered with Splunk's reason.
    @Test func fiftyThousandEventsThroughFaultsLoseNothing() async throws {
        let receiver = SplunkReceiver(faults: true)
        let total = 50_000
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL, timeout: .milliseconds(500)),
                batches: HTTPTestEvents.batches(0..<total, batchSize: 5000)
            )
        }
        let state = receiver.state.withLock { $0 }
        let allIDs = (0..<total).compactMap { HTTPTestEvents.activity($0)?.id }
        let poison = Set(allIDs.filter(SplunkReceiver.isPoison))
        #expect(state.problems.isEmpty)
        #expect(run.acknowledger.count == total && run.acknowledger.repeats == 0)
        #expect(try run.deadLetteredIDs() == poison)
        #expect(Set(state.received.keys) == Set(allIDs).subtracting(poison))
        for entry in try run.deadLetters() {
            #expect(entry["status"]?.int64Value == 400)
            #expect(entry.string("reason") == "Splunk HEC code 6 (Invalid data format)")
        }
        #expect(run.counter(run.metrics.deadLettered) == Int64(poison.count))
        #expect(run.counter(run.metrics.delivered) == Int64(total - poison.count))
        #expect(run.metrics.health.isHealthy)
    }

    /// With indexer acknowledgement an event is acknowledged to the pipeline only after Splunk
    /// reported its ackId `true` (or it was dead-lettered); requests never confirmed are sent
    /// again after the timeout; after a partial acceptance the accepted prefix is sent again.
    @Test func indexerAcknowledgementGatesDelivery() async throws {
        let receiver = SplunkReceiver(faults: false, poison: true, acknowledgements: true)
        let poison = Set((0..<6000).compactMap { HTTPTestEvents.activity($0)?.id }.filter(SplunkReceiver.isPoison))
        let batches = HTTPTestEvents.batches(0..<6000, batchSize: 1000)
        let early = Collected()
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            let sink = try Self.sink(
                url: server.baseURL,
                acknowledgement: .init(
                    isEnabled: true,
                    channel: "0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba",
                    timeout: .milliseconds(300),
                    pollInterval: .milliseconds(20)
                ),
                maximumEvents: 250
            )
            return try await HTTPSinkHarness.run(sink, batches: batches) { run in
                // Whenever the sink has acknowledged an event, Splunk must already have confirmed
                // it: read the acknowledgements first, then the confirmations.
                while !Task.isCancelled, run.acknowledger.count < 6000 {
                    var acknowledged: [String] = []
                    for batch in batches {
                        for event in batch.events
                        where run.acknowledger.isAcknowledged(batch: batch.sequence, index: event.index) {
                            acknowledged.append(event.activity.id)
                        }
                    }
                    let confirmed = receiver.state.withLock { $0.confirmed }
                    early.append(acknowledged.filter { !confirmed.contains($0) && !poison.contains($0) })
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        let state = receiver.state.withLock { $0 }
        #expect(state.problems.isEmpty)
        #expect(state.channels == ["0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba"])
        #expect(run.acknowledger.count == 6000 && run.acknowledger.repeats == 0)
        #expect(early.items.isEmpty, "acknowledged before Splunk confirmed: \(early.items.prefix(5))")
        #expect(state.confirmed == Set((0..<6000).compactMap { HTTPTestEvents.activity($0)?.id }).subtracting(poison))
        // Every 7th ackId was never confirmed: those requests were sent again under new ids.
        #expect(state.nextAcknowledgementID > 24)
        #expect(run.counter(run.metrics.retried) > 0)
        #expect(try run.deadLetteredIDs() == poison)
    }

    /// formats.md §4.1 vector 5: 403 code 4 stops delivery and alerts; it does not empty the feed
    /// into the dead-letter file. When the token is fixed, delivery resumes.
    @Test func invalidTokenHoldsEventsAndAlerts() async throws {
        let receiver = SplunkReceiver(faults: false)
        receiver.state.withLock { $0.tokenValid = false }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL),
                batches: HTTPTestEvents.batches(0..<50, batchSize: 50)
            ) {
                run in
                let unhealthy = try await eventually {
                    !run.metrics.health.isHealthy && receiver.state.withLock { $0.requests } >= 4
                }
                #expect(unhealthy)
                #expect(run.acknowledger.count == 0)
                #expect(try run.deadLetters().isEmpty)
                #expect(run.metrics.health.reason?.contains("Invalid token") == true)
                #expect(run.logs.entries.contains { $0.level == .error && "\($0.metadata)".contains("code 4") })
                receiver.state.withLock { $0.tokenValid = true }
            }
        }
        #expect(run.acknowledger.count == 50)
        #expect(run.metrics.health.isHealthy)
    }
}

/// Strings gathered by a concurrent observer.
final class Collected: Sendable {
    private let storage = Mutex<[String]>([])

    func append(_ items: [String]) { storage.withLock { $0 += items } }
    var items: [String] { storage.withLock { $0 } }
}
