import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// formats.md §4.1: envelopes, `time`, concatenation, reply handling, acknowledgement replies.
@Suite struct HTTPSplunkHECEncodingTests {
    static let a1JSON = """
        {"id":"act_01HZX3","created_at":"2024-05-01T12:34:56.789Z","type":"sso_login_succeeded",\
        "organization_id":"org_123","actor":{"type":"user","email_address":"alice@example.com",\
        "ip_address":"203.0.113.7","user_agent":"Mozilla/5.0 (X11; Linux x86_64)"}}
        """
    /// ECS vector 2.6.1 (without `event.created`), the event body of HEC vector 1.
    static let ecsA1 = """
        {"@timestamp":"2024-05-01T12:34:56.789Z","ecs":{"version":"9.4.0"},"message":"SSO login succeeded for alice@example.com",\
        "event":{"kind":"event","category":["authentication","session"],"type":["start"],"action":"sso_login_succeeded",\
        "outcome":"success","id":"act_01HZX3","provider":"acme","module":"acme","dataset":"acme.audit"},\
        "user":{"id":"alice@example.com","email":"alice@example.com"},"source":{"ip":"203.0.113.7","address":"203.0.113.7"},\
        "user_agent":{"original":"Mozilla/5.0 (X11; Linux x86_64)"},"organization":{"id":"org_123"},\
        "related":{"user":["alice@example.com"],"ip":["203.0.113.7"]},"acme":{"audit":{"actor":{"type":"user"}}}}
        """

    static func activity(_ json: String = a1JSON) throws -> Activity { try Activity(json: json) }

    static func withCreatedAt(_ createdAt: String) throws -> Activity {
        try Activity(json: a1JSON.replacingOccurrences(of: "2024-05-01T12:34:56.789Z", with: createdAt))
    }

    static let vectorEnvelope = SplunkHECEncoder(
        host: "fwd.example.com",
        source: "acme-audit",
        sourcetype: "acme:audit:ecs",
        index: "security",
        eventIsJSON: true
    )

    static func envelope(
        _ activity: Activity,
        encoder: SplunkHECEncoder = vectorEnvelope,
        event: String = ecsA1
    ) -> String {
        var writer = JSONWriter()
        encoder.encode(activity: activity, into: &writer) { $0.append(contentsOf: event.utf8) }
        return writer.text
    }

    @Test func vector1EnvelopeForA1() throws {
        let expected =
            "{\"time\":1714566896.789,\"host\":\"fwd.example.com\",\"source\":\"acme-audit\",\"sourcetype\":\"acme:audit:ecs\","
            + "\"index\":\"security\",\"event\":\(Self.ecsA1),"
            + "\"fields\":{\"activity_id\":\"act_01HZX3\",\"activity_type\":\"sso_login_succeeded\"}}"
        #expect(Self.envelope(try Self.activity()) == expected)
    }

    @Test(arguments: [
        ("2024-05-01T12:34:56Z", "1714566896"),
        ("2024-05-01T12:34:56.789999Z", "1714566896.789"),
        ("2024-05-01T12:34:56.05Z", "1714566896.050"),
        ("2024-05-01T14:34:56.789+02:00", "1714566896.789"),
        ("1970-01-01T00:00:00.001Z", "0.001"),
    ])
    func vector2TimeIsEpochSecondsWithMilliseconds(createdAt: String, time: String) throws {
        var bytes: [UInt8] = []
        SplunkHECEncoder.appendEpochSeconds(try Self.withCreatedAt(createdAt).createdAt, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == time)
        #expect(!time.contains("e") && !time.contains("E"))
    }

    @Test func unsetMetadataIsOmitted() throws {
        let bare = SplunkHECEncoder(host: nil, source: nil, sourcetype: nil, index: nil, eventIsJSON: true)
        let text = Self.envelope(try Self.activity(), encoder: bare, event: "{}")
        #expect(
            text
                == "{\"time\":1714566896.789,\"event\":{},\"fields\":{\"activity_id\":\"act_01HZX3\",\"activity_type\":\"sso_login_succeeded\"}}"
        )
    }

    @Test func vector3EventsAreConcatenatedNotAnArray() throws {
        let dialect = SplunkHECDialect(encoder: .raw, envelope: Self.vectorEnvelope, usesIndexerAcks: false)
        let events = HTTPTestEvents.encode([try Self.activity(), try Self.activity()], dialect: dialect)
        let body = String(decoding: dialect.body(for: events), as: UTF8.self)
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        #expect(lines[0].hasPrefix("{\"time\":1714566896.789,") && lines[1].hasPrefix("{\"time\":"))
        #expect(!body.hasPrefix("["))
        for line in lines.dropLast() { #expect((try? JSONParser.parse(String(line)))?.objectValue != nil) }
    }

    /// §4.1 vector 4 uses `/raw`; this sink sends CEF to `/event` as a string so that `time` and
    /// the `activity_id` indexed field survive.
    @Test func cefEventIsAJSONString() throws {
        let encoder = SplunkHECEncoder(
            host: nil,
            source: nil,
            sourcetype: "acme:audit:cef",
            index: nil,
            eventIsJSON: false
        )
        let cef = "CEF:0|ExampleCo|AuditForwarder|1.0.0|sso_login_succeeded|SSO login succeeded|3|msg=a\\=b \"q\""
        let text = Self.envelope(try Self.activity(), encoder: encoder, event: cef)
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object["event"]?.stringValue == cef)
        #expect(object["sourcetype"]?.stringValue == "acme:audit:cef")
    }

    static func outcome(
        status: Int,
        body: String,
        events: Int = 5,
        acknowledgements: Bool = false
    ) throws
        -> RequestOutcome
    {
        let dialect = SplunkHECDialect(encoder: .raw, envelope: vectorEnvelope, usesIndexerAcks: acknowledgements)
        let encoded = HTTPTestEvents.encode(
            try (0..<events).map { _ in try activity() },
            dialect: dialect
        )
        return dialect.classify(HTTPReply(status: status, body: Array(body.utf8)), for: encoded)
    }

    @Test func vector5PartialAcceptance() throws {
        let outcome = try Self.outcome(
            status: 400,
            body: "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":2}"
        )
        guard case .perEvent(let outcomes) = outcome else {
            Issue.record("expected per-event outcomes, got \(outcome)")
            return
        }
        #expect(outcomes.count == 5)
        #expect(outcomes[0] == .delivered && outcomes[1] == .delivered)
        #expect(outcomes[2] == .deadLetter(status: 400, reason: "Splunk HEC code 6 (Invalid data format)"))
        #expect(outcomes[3] == .resend && outcomes[4] == .resend)
    }

    /// With indexer acknowledgement nothing confirms the events before the bad one: send them again.
    @Test func partialAcceptanceWithAcknowledgementResendsTheAcceptedPrefix() throws {
        let outcome = try Self.outcome(
            status: 400,
            body: "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":1}",
            events: 3,
            acknowledgements: true
        )
        guard case .perEvent(let outcomes) = outcome else {
            Issue.record("expected per-event outcomes, got \(outcome)")
            return
        }
        #expect(outcomes.first == .resend && outcomes.last == .resend)
    }

    @Test func vector5ServerBusyRetriesTheWholeBody() throws {
        guard
            case .retry(let error, _) = try Self.outcome(status: 503, body: "{\"text\":\"Server is busy\",\"code\":9}")
        else {
            Issue.record("503 code 9 must be retried")
            return
        }
        #expect(error.isRetryable)
    }

    @Test(arguments: [
        (403, "{\"text\":\"Invalid token\",\"code\":4}"),
        (403, "{\"text\":\"Token disabled\",\"code\":1}"),
        (401, "{\"text\":\"Token is required\",\"code\":2}"),
        (400, "{\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":0}"),
        (400, "{\"text\":\"Data channel is missing\",\"code\":10}"),
        (400, "{\"text\":\"ACK is disabled\",\"code\":14}"),
        (404, "<html>not found</html>"),
    ])
    func vector5AuthAndConfigurationErrorsNeverDeadLetter(status: Int, body: String) throws {
        guard case .configuration(let error) = try Self.outcome(status: status, body: body) else {
            Issue.record("\(status) \(body) must be a configuration error")
            return
        }
        #expect(!error.isRetryable && error.code == .configuration)
    }

    @Test(arguments: [500, 502, 429, 408])
    func overloadStatusesRetry(status: Int) throws {
        guard case .retry = try Self.outcome(status: status, body: "") else {
            Issue.record("\(status) must be retried")
            return
        }
    }

    @Test func rejectionWithoutAnEventNumberIsSplit() throws {
        guard case .rejected = try Self.outcome(status: 400, body: "{\"text\":\"No data\",\"code\":5}") else {
            Issue.record("a data error without invalid-event-number must split the request")
            return
        }
        guard case .rejected = try Self.outcome(status: 400, body: "{\"code\":6,\"invalid-event-number\":99}") else {
            Issue.record("an out-of-range invalid-event-number must not be trusted")
            return
        }
    }

    @Test func successCarriesTheAcknowledgementID() throws {
        guard
            case .accepted(let id) = try Self.outcome(
                status: 200,
                body: "{\"text\":\"Success\",\"code\":0,\"ackId\":7}",
                acknowledgements: true
            )
        else {
            Issue.record("200 must be accepted")
            return
        }
        #expect(id == 7)
        guard case .accepted(nil) = try Self.outcome(status: 200, body: "{\"text\":\"Success\",\"code\":0,\"ackId\":7}")
        else {
            Issue.record("without acknowledgement the ackId is ignored")
            return
        }
    }

    @Test func vector6AcknowledgementReply() {
        #expect(String(decoding: SplunkHECReply.indexerAckQuery([0, 1]), as: UTF8.self) == "{\"acks\":[0,1]}")
        let results = SplunkHECReply.indexerAcks(body: Array("{\"acks\":{\"0\":true,\"1\":false}}".utf8))
        #expect(results == [0: true, 1: false])
        #expect(SplunkHECReply.indexerAcks(body: Array("nonsense".utf8)) == nil)
    }

    @Test func acknowledgementTrackerConfirmsExpiresAndDisplaces() {
        let tracker = SplunkIndexerAcks()
        let start = ContinuousClock.now
        let one = EncodedEvents(bytes: [], events: [HTTPTestEvents.event(index: 0)])
        let two = EncodedEvents(bytes: [], events: [HTTPTestEvents.event(index: 1), HTTPTestEvents.event(index: 2)])
        #expect(tracker.add(0, events: one, sentAt: start) == nil)
        #expect(tracker.add(1, events: two, sentAt: start + .seconds(5)) == nil)
        #expect(tracker.pendingIDs == [0, 1] && tracker.pendingEventCount == 3)
        #expect(tracker.confirm([0: false, 1: true]).map(\.count) == [2])
        #expect(tracker.takeExpired(now: start + .seconds(9), timeout: .seconds(10)).isEmpty)
        #expect(tracker.takeExpired(now: start + .seconds(10), timeout: .seconds(10)).map(\.count) == [1])
        #expect(tracker.isEmpty)
        _ = tracker.add(3, events: one)
        #expect(tracker.add(3, events: two)?.count == 1)
    }

    @Test func malformedRepliesAreSafe() {
        #expect(SplunkHECReply(body: Array("<html>".utf8)) == SplunkHECReply())
        #expect(SplunkHECReply(body: Array("{\"code\":\"six\",\"invalid-event-number\":-1}".utf8)).code == nil)
        #expect(SplunkHECReply(body: Array("{\"ackId\":-3}".utf8)).indexerAckID == nil)
    }
}
