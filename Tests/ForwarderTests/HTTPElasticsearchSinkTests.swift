import ComplianceAPI
import ForwarderCore
import Synchronization
import Testing

@testable import Forwarder

/// An Elasticsearch `_bulk` endpoint over a data stream: `create` only, 409 for an `_id` it
/// already holds, mixed item statuses and whole-request faults on demand.
final class ElasticsearchReceiver: Sendable {
    struct State {
        var requests = 0
        /// Times each `_id` was stored: must never exceed 1.
        var stored: [String: Int] = [:]
        var conflicts = 0
        var malformed: [String] = []
        var authorized = true
    }

    static let apiKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
    static let index = "logs-test-default"

    let state = Mutex(State())
    let faults: Bool
    let maximumBody: Int?
    /// Which documents the mapping refuses (400); ``isPoison(_:)`` for ``HTTPTestEvents`` ids.
    let isPoisonID: @Sendable (String) -> Bool

    init(
        faults: Bool,
        maximumBody: Int? = nil,
        poison: @escaping @Sendable (String) -> Bool = ElasticsearchReceiver.isPoison
    ) {
        self.faults = faults
        self.maximumBody = maximumBody
        self.isPoisonID = poison
    }

    static func isPoison(_ id: String) -> Bool {
        guard let number = Int(id.dropFirst(4)) else { return false }
        return number % 4999 == 7
    }

    func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
        let (number, authorized) = state.withLock { state in
            state.requests += 1
            return (state.requests, state.authorized)
        }
        guard authorized, request.headers.first(name: "Authorization") == "ApiKey \(Self.apiKey)" else {
            return .json(
                401,
                "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate\"},\"status\":401}"
            )
        }
        let body = request.body ?? []
        var problems: [String] = []
        if request.path != "/\(Self.index)/_bulk" { problems.append("path \(request.path)") }
        if request.headers.first(name: "Content-Type") != "application/x-ndjson" { problems.append("content type") }
        if body.last != UInt8(ascii: "\n") { problems.append("no final LF") }
        if request.query("filter_path") == nil { problems.append("no filter_path") }
        if !problems.isEmpty {
            state.withLock { $0.malformed += problems }
            return .json(400, "{\"error\":{\"type\":\"parse_exception\"}}")
        }
        if faults {
            if number % 40 < 5 { return .json(503, "{\"error\":\"unavailable\"}") }
            if number % 11 == 5 { return .reset }
            if number % 17 == 2 {
                return .json(429, "{\"error\":\"too many requests\"}", headers: [("Retry-After", "0")])
            }
        }
        if let maximumBody, body.count > maximumBody { return .json(413, "{\"error\":\"content too long\"}") }
        let lines = body.split(separator: UInt8(ascii: "\n"))
        var items: [String] = []
        var errors = false
        state.withLock { state in
            for pair in stride(from: 0, to: lines.count - 1, by: 2) {
                let position = pair / 2
                let action = (try? JSONParser.parse(Array(lines[pair])))?.objectValue?["create"]?.objectValue
                let id = action?.string("_id") ?? ""
                let status: Int
                var error = ""
                if faults, (number + position) % 23 == 0 {
                    status = 429
                    error = ",\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"queue full\"}"
                } else if faults, (number + position) % 29 == 0 {
                    status = 503
                } else if faults, isPoisonID(id) {
                    status = 400
                    error =
                        ",\"error\":{\"type\":\"document_parsing_exception\",\"reason\":\"[1:42] failed to parse field [source.ip]\"}"
                } else if state.stored[id] != nil {
                    status = 409
                    state.conflicts += 1
                    error = ",\"error\":{\"type\":\"version_conflict_engine_exception\"}"
                } else {
                    status = 201
                    state.stored[id, default: 0] += 1
                }
                if status >= 300 { errors = true }
                items.append("{\"create\":{\"_id\":\"\(id)\",\"status\":\(status)\(error)}}")
            }
        }
        let reply = TestHTTPResponse.json(200, "{\"errors\":\(errors),\"items\":[\(items.joined(separator: ","))]}")
        if faults, number % 19 == 7 { return .reset }  // stored, but the reply is lost
        if faults, number % 13 == 6 { return .delayed(.milliseconds(800), reply) }  // stored, reply too late
        return reply
    }
}

@Suite struct HTTPElasticsearchSinkTests {
    /// The fault tests shorten `timeout` so slow replies time out; the others keep it long so a
    /// loaded machine does not turn into an unplanned retry.
    static func sink(url: String, maximumEvents: Int = 500, timeout: Duration = .seconds(10)) throws -> HTTPSink {
        try HTTPSink(
            name: "elastic",
            configuration: ForwarderConfiguration.HTTPSink(
                mode: .elasticsearch,
                url: url,
                apiKey: Secret(ElasticsearchReceiver.apiKey),
                index: ElasticsearchReceiver.index,
                timeout: timeout,
                retry: HTTPSinkHarness.fastRetry
            ),
            batch: .init(maximumEvents: maximumEvents),
            encoder: EventEncoder(format: .ecs)
        )
    }

    /// 50 000 activities through storms, resets (some after the documents were stored), slow
    /// replies, item-level 429/503 and refused documents: every id stored exactly once or
    /// dead-lettered, replays answered 409 and counted delivered.
    @Test func fiftyThousandEventsThroughFaultsLoseNothingAndDuplicateNothing() async throws {
        let receiver = ElasticsearchReceiver(faults: true, maximumBody: 400_000)
        let total = 50_000
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL + "/", timeout: .milliseconds(500)),
                batches: HTTPTestEvents.batches(0..<total, batchSize: 5000)
            )
        }
        let state = receiver.state.withLock { $0 }
        let allIDs = (0..<total).compactMap { HTTPTestEvents.activity($0)?.id }
        let poison = Set(allIDs.filter(ElasticsearchReceiver.isPoison))
        #expect(state.malformed.isEmpty)
        #expect(run.acknowledger.count == total && run.acknowledger.repeats == 0)
        #expect(state.stored.values.allSatisfy { $0 == 1 })
        #expect(Set(state.stored.keys) == Set(allIDs).subtracting(poison))
        #expect(state.conflicts > 0, "lost replies must have been replayed and answered 409")
        #expect(try run.deadLetteredIDs() == poison)
        for entry in try run.deadLetters() {
            #expect(entry["status"]?.int64Value == 400)
            #expect(entry.string("reason")?.contains("document_parsing_exception") == true)
        }
        #expect(run.counter(run.metrics.delivered) == Int64(total - poison.count))
        #expect(run.counter(run.metrics.deadLettered) == Int64(poison.count))
        #expect(run.metrics.health.isHealthy)
    }

    /// A restart re-sends what the checkpoint did not cover: the second run stores nothing new.
    @Test func replayCreatesNoDuplicates() async throws {
        let receiver = ElasticsearchReceiver(faults: false)
        let batches = HTTPTestEvents.batches(1..<2001, batchSize: 1000)
        try await TestHTTPServer.withRunning(receiver.handle) { server in
            _ = try await HTTPSinkHarness.run(try Self.sink(url: server.baseURL), batches: batches)
            let replay = try await HTTPSinkHarness.run(try Self.sink(url: server.baseURL), batches: batches)
            #expect(replay.acknowledger.count == 2000)
            #expect(replay.counter(replay.metrics.delivered) == 2000)
            #expect(try replay.deadLetters().isEmpty)
        }
        let state = receiver.state.withLock { $0 }
        #expect(state.stored.count == 2000 && state.stored.values.allSatisfy { $0 == 1 })
        #expect(state.conflicts == 2000)
    }

    /// A document too large for the cluster even alone is dead-lettered with the 413; its
    /// neighbours are delivered after the split.
    @Test func requestTooLargeIsSplitAndAnOversizedDocumentDeadLettered() async throws {
        let receiver = ElasticsearchReceiver(faults: false, maximumBody: 20_000)
        let padding = ",\"note\":\"" + String(repeating: "x", count: 30_000) + "\""
        var activities = (0..<40).compactMap { HTTPTestEvents.activity($0) }
        activities[17] = try #require(HTTPTestEvents.activity(17, extra: padding))
        let events = activities.enumerated().map { Event(index: $0.offset, activity: $0.element) }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL),
                batches: [Batch(sequence: 1, events: events)]
            )
        }
        #expect(run.acknowledger.count == 40)
        #expect(try run.deadLetteredIDs() == ["act_0000017"])
        #expect(try run.deadLetters().first?["status"]?.int64Value == 413)
        #expect(receiver.state.withLock { $0.stored.count } == 39)
    }

    /// 401: not the events' fault. Nothing is acknowledged or dead-lettered while it lasts, the
    /// sink is unhealthy and says so loudly; once credentials work everything is delivered.
    @Test func authenticationFailureHoldsEventsUntilFixed() async throws {
        let receiver = ElasticsearchReceiver(faults: false)
        receiver.state.withLock { $0.authorized = false }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL),
                batches: HTTPTestEvents.batches(1..<101, batchSize: 50)
            ) {
                run in
                let unhealthy = try await eventually {
                    !run.metrics.health.isHealthy && receiver.state.withLock { $0.requests } >= 5
                }
                #expect(unhealthy)
                #expect(run.acknowledger.count == 0)
                #expect(try run.deadLetters().isEmpty)
                #expect(run.metrics.health.reason?.contains("401") == true)
                #expect(
                    run.logs.entries.contains { $0.level == .error && "\($0.metadata)".contains("security_exception") }
                )
                receiver.state.withLock { $0.authorized = true }
            }
        }
        #expect(run.acknowledger.count == 100)
        #expect(run.metrics.health.isHealthy)
        #expect(try run.deadLetters().isEmpty)
    }

    @Test func cefIsRefusedForElasticsearch() {
        #expect(throws: HTTPSinkError.self) {
            try HTTPSink(
                name: "elastic",
                configuration: .init(mode: .elasticsearch, url: "https://es.example.com:9200"),
                encoder: EventEncoder(format: .cef)
            )
        }
    }
}
