import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

@Suite struct HTTPOTLPSinkTests {
    static let secretHeader = "Bearer otlp-ingest-token-7f3e9a1c5b2d4e6f"

    static func sink(
        url: String,
        encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding = .protobuf,
        gzip: Bool = false,
        headers: [String: Secret] = ["Authorization": Secret(secretHeader)],
        maximumEvents: Int = 500,
        maximumInFlight: Int = 2
    ) throws -> HTTPSink {
        try HTTPSink(
            name: "otel",
            configuration: ForwarderConfiguration.HTTPSink(
                mode: .otlp,
                url: url,
                headers: headers,
                gzip: gzip,
                timeout: .seconds(10),
                retry: HTTPSinkHarness.fastRetry,
                maximumInFlight: maximumInFlight,
                otlp: .init(encoding: encoding)
            ),
            batch: .init(maximumEvents: maximumEvents, maximumBytes: 4 << 20),
            encoder: .raw
        )
    }

    /// 6 000 activities through 429 (`Retry-After: 0`) and 503 faults, in both encodings, with and
    /// without gzip: every activity id stored once or more, each record carrying its fields as
    /// the receiver decodes them with the generated types, nothing dead-lettered, and the
    /// Authorization header sent on every request but never logged.
    @Test(arguments: [
        (ForwarderConfiguration.HTTPSink.OTLP.Encoding.protobuf, false),
        (.protobuf, true),
        (.json, false),
        (.json, true),
    ])
    func everyRecordArrivesThroughThrottling(
        encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding,
        gzip: Bool
    )
        async throws
    {
        let receiver = OTLPReceiver(faults: true, requiredHeader: ("Authorization", Self.secretHeader))
        let total = 6000
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL, encoding: encoding, gzip: gzip),
                batches: HTTPTestEvents.batches(0..<total, batchSize: 2000)
            )
        }
        let state = receiver.state.withLock { $0 }
        let allIDs = Set((0..<total).compactMap { HTTPTestEvents.activity($0)?.id })
        #expect(state.malformed.isEmpty)
        #expect(Set(state.stored.keys) == allIDs)
        #expect(run.acknowledger.count == total && run.acknowledger.repeats == 0)
        #expect(try run.deadLetters().isEmpty)
        #expect(state.contentTypes == [encoding == .json ? "application/json" : "application/x-protobuf"])
        #expect(gzip ? state.gzipped > 0 : state.gzipped == 0)
        #expect(!run.logText.contains("otlp-ingest-token"))

        let byID = Dictionary(state.records.map { (Self.attribute($0, "log.record.uid") ?? "", $0) }) { first, _ in
            first
        }
        for number in [0, 1234, total - 1] {
            let activity = try #require(HTTPTestEvents.activity(number))
            let record = try #require(byID[activity.id])
            #expect(record.timeUnixNano == 1_714_566_896_789_000_000)
            #expect(record.observedTimeUnixNano >= record.timeUnixNano)
            #expect(record.eventName == "sso_login_succeeded")
            #expect(Self.attribute(record, "event.name") == "sso_login_succeeded")
            #expect(Self.attribute(record, "user.email") == "user\(number)@example.com")
            #expect(Self.attribute(record, "client.address") == "203.0.113.7")
            #expect(Self.attribute(record, "claude.actor.kind") == "user")
            #expect(record.severityNumber == .info && record.severityText == "INFO")
            #expect(record.body.stringValue == activity.rawJSON)
            let resource = try #require(state.resources[activity.id])
            let resourceAttributes = Dictionary(resource.attributes.map { ($0.key, $0.value.stringValue) }) { a, _ in a
            }
            #expect(resourceAttributes["service.name"] == "compliance-forwarder")
            #expect(resourceAttributes["service.version"] == ComplianceClient.version)
            #expect(resourceAttributes["claude.organization.id"] == "org_123")
        }
    }

    static func attribute(_ record: OTLPLogRecord, _ key: String) -> String? {
        record.attributes.first { $0.key == key }.map(\.value.stringValue)
    }

    /// `partial_success` with some records rejected: counted, logged with the collector's
    /// message, and every record acknowledged (OTLP does not say which were rejected); a reply
    /// rejecting every record of a request dead-letters all of them.
    @Test(arguments: [ForwarderConfiguration.HTTPSink.OTLP.Encoding.protobuf, .json])
    func partialSuccessIsCountedLoggedAndAllRejectedDeadLettered(
        encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding
    ) async throws {
        let receiver = OTLPReceiver()
        // Requests of 100 records, one at a time: the first has 3 rejected, the second all 100.
        receiver.state.withLock { $0.partialRejections = [3, 100] }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL, encoding: encoding, maximumEvents: 100, maximumInFlight: 1),
                batches: HTTPTestEvents.batches(0..<100, batchSize: 100)
                    + HTTPTestEvents.batches(100..<300, batchSize: 100, firstSequence: 2)
            )
        }
        #expect(run.acknowledger.count == 300)
        #expect(run.logText.contains("3 log records dropped by the filter processor"))
        #expect(run.logText.contains("rejected some log records"))
        let deadLettered = try run.deadLetteredIDs()
        #expect(deadLettered == Set((100..<200).compactMap { HTTPTestEvents.activity($0)?.id }))
        #expect(try run.deadLetters().first?["reason"]?.stringValue?.contains("partial_success") == true)
        #expect(run.counter(run.metrics.deadLettered) == 100)
    }

    /// The counter of rejected records is the sink's own and moves with `partial_success`.
    @Test func rejectedLogRecordsAreCounted() async throws {
        let receiver = OTLPReceiver()
        receiver.state.withLock { $0.partialRejections = [2, 0, 5] }
        let captured = try await TestHTTPServer.withRunning(receiver.handle) { server in
            let sink = try Self.sink(url: server.baseURL, maximumEvents: 50)
            let run = try await HTTPSinkHarness.run(sink, batches: HTTPTestEvents.batches(0..<150, batchSize: 50))
            return (sink.otlpStatistics?.rejectedLogRecords, run.acknowledger.count, try run.deadLetters().count)
        }
        #expect(captured.0 == 7)
        #expect(captured.1 == 150 && captured.2 == 0)
    }

    /// 503 with `Retry-After: 1`: the retry waits the second although the backoff is 1–20 ms,
    /// and then everything arrives.
    @Test func unavailableWithRetryAfterIsHonoured() async throws {
        let receiver = OTLPReceiver()
        receiver.state.withLock { $0.unavailableFirst = 1 }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL, maximumEvents: 1000),
                batches: HTTPTestEvents.batches(0..<10, batchSize: 10)
            )
        }
        let state = receiver.state.withLock { $0 }
        #expect(run.acknowledger.count == 10 && state.stored.count == 10)
        #expect(state.arrivals.count == 2)
        if state.arrivals.count == 2 {
            #expect(state.arrivals[1] - state.arrivals[0] >= .milliseconds(950))
        }
    }

    /// A 400 for a request holding one bad record: split until it is alone, dead-lettered with
    /// the 400 while its neighbours are stored.
    @Test func badRequestIsIsolatedAndDeadLettered() async throws {
        let bad = try #require(HTTPTestEvents.activity(42)?.id)
        let receiver = OTLPReceiver(refusedIDs: [bad])
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL, encoding: .json),
                batches: HTTPTestEvents.batches(0..<200, batchSize: 200)
            )
        }
        #expect(run.acknowledger.count == 200)
        #expect(try run.deadLetteredIDs() == [bad])
        #expect(try run.deadLetters().first?["status"]?.int64Value == 400)
        #expect(receiver.state.withLock { $0.stored.count } == 199)
    }

    /// A collector refusing the credentials (401, echoing the header in its message) holds the
    /// events (unhealthy, nothing dead-lettered); once it accepts, all arrive. The header value
    /// never reaches a log line.
    @Test func refusedCredentialsHoldEventsAndTheHeaderIsNeverLogged() async throws {
        let receiver = OTLPReceiver()
        receiver.state.withLock { $0.unauthorizedFirst = 4 }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL),
                batches: HTTPTestEvents.batches(0..<20, batchSize: 20)
            )
        }
        #expect(run.acknowledger.count == 20)
        #expect(try run.deadLetters().isEmpty)
        #expect(receiver.state.withLock { $0.stored.count } == 20)
        #expect(run.logText.contains("misconfigured"))
        #expect(run.logText.contains("<redacted>"))
        #expect(!run.logText.contains("otlp-ingest-token"))
        #expect(!String(describing: try Self.sink(url: "http://127.0.0.1:4318")).contains("otlp-ingest-token"))
    }

    /// `/v1/logs` is appended to a base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT` is read, and not
    /// to a URL that already ends with it.
    @Test(arguments: [
        ("http://collector:4318", "http://collector:4318/v1/logs"),
        ("http://collector:4318/", "http://collector:4318/v1/logs"),
        ("https://otel.example.com/ingest", "https://otel.example.com/ingest/v1/logs"),
        ("http://collector:4318/v1/logs", "http://collector:4318/v1/logs"),
        ("http://collector:4318/v1/logs/", "http://collector:4318/v1/logs/"),
    ])
    func logsPathIsAppendedToBaseURLs(url: String, expected: String) throws {
        let parts = try HTTPSink.makeParts(
            configuration: .init(mode: .otlp, url: url),
            encoder: .raw,
            options: .init()
        )
        #expect(parts.settings.endpoint.url == expected)
        #expect(parts.dialect.contentType == "application/x-protobuf")
    }

    /// An `archive_segment_sealed` anchor is one log record of its own name, the manifest hash as
    /// an attribute, in both encodings.
    @Test(arguments: [ForwarderConfiguration.HTTPSink.OTLP.Encoding.protobuf, .json])
    func archiveAnchorsAreLogRecordsOfTheirOwnName(encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding) throws {
        let anchor = ArchiveAnchor(
            sink: "archive",
            segment: "activities-20261207T161500Z-000042.ndjson.gz",
            manifestSHA256: String(repeating: "ab", count: 32),
            segmentSHA256: String(repeating: "cd", count: 32),
            previousManifestSHA256: nil,
            records: 1000,
            firstID: "activity_01",
            lastID: "activity_02",
            sealedAt: "2026-12-07T16:15:00.123Z",
            sealReason: "rotation",
            signature: nil,
            keyFingerprint: nil
        )
        let dialect = OTLPDialect(encoding: encoding)
        let request = dialect.exportRequest(for: EncodedEvents(anchor: anchor, dialect: dialect))
        let record = try #require(request.resourceLogs.first?.scopeLogs.first?.logRecords.first)
        #expect(record.eventName == "archive_segment_sealed")
        #expect(record.timeUnixNano == 1_796_660_100_123_000_000)
        let attributes = Dictionary(uniqueKeysWithValues: record.attributes.map { ($0.key, $0.value) })
        #expect(attributes["claude.archive.manifest_sha256"]?.stringValue == anchor.manifestSHA256)
        #expect(attributes["claude.archive.records"]?.intValue == 1000)
        #expect(attributes["claude.archive.signature"] == nil)
        #expect(record.body.stringValue.hasPrefix("{\"type\":\"archive_segment_sealed\""))
    }

    /// The severity bands follow the syslog sink's (CEF 0–3, 4–6, 7–8, 9–10).
    @Test func severityBands() {
        #expect(OTLPLogFields.severity(forCEFSeverity: 0) == (9, "INFO"))
        #expect(OTLPLogFields.severity(forCEFSeverity: 5) == (10, "INFO2"))
        #expect(OTLPLogFields.severity(forCEFSeverity: 8) == (13, "WARN"))
        #expect(OTLPLogFields.severity(forCEFSeverity: 10) == (18, "ERROR2"))
    }
}
