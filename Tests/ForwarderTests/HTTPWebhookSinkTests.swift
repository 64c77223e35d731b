import ComplianceAPI
import Crypto
import ForwarderCore
import NIOHTTP1
import Synchronization
import Testing

@testable import Forwarder

/// A webhook receiver that verifies signatures and credentials, and injects faults.
final class WebhookReceiver: Sendable {
    struct State {
        var requests = 0
        var badSignatures = 0
        var badCredentials = 0
        /// Times each activity id arrived in a request the receiver accepted.
        var received: [String: Int] = [:]
        var bodies: [[UInt8]] = []
        var lastRequest: TestHTTPRequest?
    }

    static let secret = "whsec_9f86d081884c7d659a2feaa0c55ad015"
    static let password = "pw-b4c9a289323b21a01c3e940f150eb9b8"
    static let headerValue = "hdr-c3499c2729730a7f807efb8676a92dcb"

    let state = Mutex(State())
    let faults: Bool
    let keepBodies: Bool
    let verifier = Array(secret.utf8)

    init(faults: Bool, keepBodies: Bool = false) {
        self.faults = faults
        self.keepBodies = keepBodies
    }

    /// Poison events the receiver refuses with a 400 (it cannot say which one).
    static func isPoison(_ id: String) -> Bool {
        guard let number = Int(id.dropFirst(4)) else { return false }
        return number % 4999 == 0
    }

    func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
        let number = state.withLock { state in
            state.requests += 1
            state.lastRequest = request
            return state.requests
        }
        guard verify(request) else {
            state.withLock { $0.badSignatures += 1 }
            return .reply(status: 401, body: "bad signature")
        }
        let basic = "Basic " + SecretScrubber.basicCredentials(username: "forwarder", password: Self.password)
        guard request.headers.first(name: "Authorization") == basic,
            request.headers.first(name: "X-Api-Token") == Self.headerValue
        else {
            state.withLock { $0.badCredentials += 1 }
            return .reply(status: 403, body: "who are you")
        }
        if faults {
            if number % 40 < 5 { return .reply(status: 503, body: "storm") }
            if number % 11 == 5 { return .reset }
            if number % 17 == 2 { return .reply(status: 429, headers: [("Retry-After", "0")]) }
        }
        guard let body = request.body else { return .reply(status: 400, body: "cannot gunzip") }
        let ids = Self.ids(in: body)
        if ids.contains(where: Self.isPoison) { return .reply(status: 400, body: "{\"error\":\"invalid event\"}") }
        state.withLock { state in
            for id in ids { state.received[id, default: 0] += 1 }
            if keepBodies { state.bodies.append(body) }
        }
        // A slow reply after processing: the sink times out and sends again (a duplicate).
        if faults, number % 13 == 6 { return .delayed(.milliseconds(800), .reply(status: 200)) }
        return .reply(status: 202)
    }

    private func verify(_ request: TestHTTPRequest) -> Bool {
        guard let timestamp = request.headers.first(name: "X-Signature-Timestamp"), let seconds = Int64(timestamp),
            abs(RFC3339Timestamp.now.secondsSinceEpoch - seconds) <= 300,
            let signature = request.headers.first(name: "X-Signature")
        else { return false }
        let expected = HMAC<SHA256>.authenticationCode(
            for: Array(timestamp.utf8) + Array(".".utf8) + request.wireBody,
            using: SymmetricKey(data: verifier)
        )
        return signature == "sha256=" + WebhookSigner.hex(expected)
    }

    /// Activity ids in an NDJSON body of ECS documents (`event.id`: the only `"id":"act_…"`).
    /// A byte scan rather than a parse: the receiver reads 50 000 documents in a debug build.
    static func ids(in body: [UInt8]) -> [String] {
        let marker = Array("\"id\":\"act_".utf8)
        return body.split(separator: UInt8(ascii: "\n")).compactMap { line -> String? in
            let bytes = Array(line)
            var index = 0
            while index + marker.count <= bytes.count {
                if bytes[index] == marker[0], Array(bytes[index..<index + marker.count]) == marker {
                    let start = index + 6
                    guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                    return String(decoding: bytes[start..<end], as: UTF8.self)
                }
                index += 1
            }
            return nil
        }
    }
}

@Suite struct HTTPWebhookSinkTests {
    static func configuration(
        url: String,
        bodyFormat: ForwarderConfiguration.HTTPSink.BodyFormat = .ndjson,
        timeout: Duration = .seconds(10)
    ) -> ForwarderConfiguration.HTTPSink {
        ForwarderConfiguration.HTTPSink(
            mode: .webhook,
            url: url,
            username: "forwarder",
            password: Secret(WebhookReceiver.password),
            headers: ["X-Api-Token": Secret(WebhookReceiver.headerValue)],
            bodyFormat: bodyFormat,
            hmac: .init(secret: Secret(WebhookReceiver.secret)),
            gzip: true,
            timeout: timeout,
            retry: HTTPSinkHarness.fastRetry
        )
    }

    @Test func signedGzippedNDJSONWithCredentials() async throws {
        let receiver = WebhookReceiver(faults: false, keepBodies: true)
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            let sink = try HTTPSink(
                name: "hook",
                configuration: Self.configuration(url: server.baseURL + "/hook"),
                batch: .init(maximumEvents: 4),
                encoder: EventEncoder(format: .ecs)
            )
            return try await HTTPSinkHarness.run(sink, batches: HTTPTestEvents.batches(1..<11, batchSize: 10))
        }
        let state = receiver.state.withLock { $0 }
        #expect(state.badSignatures == 0 && state.badCredentials == 0)
        #expect(state.requests == 3)  // 10 events, at most 4 per request
        #expect(state.received.count == 10)
        #expect(run.acknowledger.count == 10 && run.acknowledger.repeats == 0)
        let request = try #require(state.lastRequest)
        #expect(request.headers.first(name: "Content-Encoding") == "gzip")
        #expect(request.headers.first(name: "Content-Type") == "application/x-ndjson")
        #expect(request.path == "/hook")
        for body in state.bodies { #expect(body.last == UInt8(ascii: "\n")) }
        #expect(run.counter(run.metrics.delivered) == 10)
    }

    @Test func jsonArrayOfCEFLines() async throws {
        let receiver = WebhookReceiver(faults: false, keepBodies: true)
        _ = try await TestHTTPServer.withRunning(receiver.handle) { server in
            let sink = try HTTPSink(
                name: "hook",
                configuration: Self.configuration(url: server.baseURL + "/hook", bodyFormat: .jsonArray),
                encoder: EventEncoder(format: .cef)
            )
            return try await HTTPSinkHarness.run(sink, batches: HTTPTestEvents.batches(1..<4, batchSize: 3))
        }
        let state = receiver.state.withLock { $0 }
        let request = try #require(state.lastRequest)
        #expect(request.headers.first(name: "Content-Type") == "application/json")
        let array = try #require(try JSONParser.parse(request.body ?? []).arrayValue)
        #expect(array.count == 3)
        #expect(array.allSatisfy { $0.stringValue?.hasPrefix("CEF:0|") == true })
    }

    /// A receiver that suddenly refuses everything (its contract changed) must not empty the feed
    /// into the dead-letter file: after a few events isolated and refused one by one, the sink
    /// holds the rest, unhealthy, until the receiver accepts again.
    @Test func receiverRefusingEverythingIsHeldNotDeadLettered() async throws {
        let fixed = Mutex(false)
        let handler: TestHTTPServer.Handler = { _ in
            fixed.withLock { $0 } ? .reply(status: 200) : .reply(status: 400, body: "expected a JSON array")
        }
        let run = try await TestHTTPServer.withRunning(handler) { server in
            try await HTTPSinkHarness.run(
                try HTTPSink(
                    name: "hook",
                    configuration: .init(url: server.baseURL + "/hook", retry: HTTPSinkHarness.fastRetry),
                    encoder: EventEncoder(format: .ecs),
                    options: .init(maximumRejectionStreak: 5)
                ),
                batches: HTTPTestEvents.batches(0..<40, batchSize: 40)
            ) { run in
                let held = try await eventually { !run.metrics.health.isHealthy }
                #expect(held)
                #expect(run.acknowledger.count == 5)
                #expect(try run.deadLetters().count == 5)
                #expect(run.metrics.health.reason?.contains("refused the last 5 events") == true)
                fixed.withLock { $0 = true }
            }
        }
        #expect(run.acknowledger.count == 40)
        #expect(try run.deadLetters().count == 5)
        #expect(run.metrics.health.isHealthy)
    }

    /// `Retry-After` is a floor: with a 1 ms backoff the sink still waits the second asked for.
    @Test func retryAfterIsHonoured() async throws {
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let handler: TestHTTPServer.Handler = { _ in
            let count = arrivals.withLock { list in
                list.append(.now)
                return list.count
            }
            return count == 1 ? .reply(status: 429, headers: [("Retry-After", "1")]) : .reply(status: 200)
        }
        let run = try await TestHTTPServer.withRunning(handler) { server in
            try await HTTPSinkHarness.run(
                try HTTPSink(
                    name: "hook",
                    configuration: .init(url: server.baseURL + "/hook", retry: HTTPSinkHarness.fastRetry),
                    encoder: EventEncoder(format: .ecs)
                ),
                batches: HTTPTestEvents.batches(0..<3, batchSize: 3)
            )
        }
        let times = arrivals.withLock { $0 }
        #expect(times.count == 2 && run.acknowledger.count == 3)
        if times.count == 2 { #expect(times[1] - times[0] >= .milliseconds(990)) }
        #expect(run.counter(run.metrics.retried) == 3)
    }

    /// 50 000 activities through 503 storms, resets, 429s, slow replies and poison events: every
    /// id is delivered or dead-lettered with a reason; none is lost, none acknowledged twice.
    @Test func fiftyThousandEventsThroughFaultsLoseNothing() async throws {
        let receiver = WebhookReceiver(faults: true)
        let total = 50_000
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            let sink = try HTTPSink(
                name: "hook",
                configuration: Self.configuration(
                    url: server.baseURL + "/hook?token=in-the-url",
                    timeout: .milliseconds(500)
                ),
                batch: .init(maximumEvents: 500),
                encoder: EventEncoder(format: .ecs)
            )
            return try await HTTPSinkHarness.run(sink, batches: HTTPTestEvents.batches(0..<total, batchSize: 5000))
        }
        let state = receiver.state.withLock { $0 }
        let allIDs = (0..<total).compactMap { HTTPTestEvents.activity($0)?.id }
        let poison = Set(allIDs.filter(WebhookReceiver.isPoison))
        #expect(state.badSignatures == 0 && state.badCredentials == 0)
        #expect(run.acknowledger.count == total)
        #expect(run.acknowledger.repeats == 0)
        #expect(try run.deadLetteredIDs() == poison)
        for id in allIDs where !poison.contains(id) {
            guard state.received[id, default: 0] >= 1 else {
                Issue.record("\(id) was acknowledged but never received")
                break
            }
        }
        for entry in try run.deadLetters() {
            #expect(entry.string("stage") == "sink" && entry.string("name") == "hook")
            #expect(entry["status"]?.int64Value == 400)
            #expect(entry.string("reason")?.contains("invalid event") == true)
        }
        #expect(run.counter(run.metrics.delivered) == Int64(total - poison.count))
        #expect(run.counter(run.metrics.deadLettered) == Int64(poison.count))
        #expect(run.counter(run.metrics.retried) > 0)
        #expect(run.metrics.health.isHealthy)
        #expect(!run.logText.contains("in-the-url"))
    }
}
