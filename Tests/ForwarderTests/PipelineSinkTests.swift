import ComplianceAPI
import Forwarder
import ForwarderCore
import Foundation
import Logging
import MockComplianceAPI
import ServiceLifecycle
import Testing

/// The whole path with real sinks: mock Compliance API → ``ForwarderRuntime`` built from a YAML
/// configuration → syslog over TLS to rsyslog, or HTTP to an in-process Elasticsearch / Splunk
/// HEC endpoint with faults. Every activity is delivered or dead-lettered with a reason, and the
/// checkpoint reaches the end of the backlog.
@Suite(.serialized) struct PipelineSinkTests {
    /// Bad documents/events, about 1 in 1000, chosen from the id so that replays pick the same.
    static func isPoison(_ id: String) -> Bool {
        id.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 } % 1000 == 7
    }

    static func mockConfiguration(backlog: Int) -> MockComplianceAPI.Configuration {
        .init(
            backlog: backlog,
            backlogSpan: .seconds(6 * 3600),
            backlogEnd: RFC3339Timestamp.now.adding(.seconds(-3600)),
            recordAccess: false,
            rateLimitPerMinute: 6000
        )
    }

    /// Runs the forwarder configured with `sinks` (YAML list items) from the start of the
    /// mock's backlog until its checkpoint holds the last activity, then shuts it down.
    static func runForwarder(
        _ mock: MockComplianceAPI,
        sinks: String,
        directory: String,
        timeout: Duration = .seconds(90)
    ) async throws -> ForwarderPipeline {
        let start = RFC3339Timestamp.now.adding(.seconds(-8 * 3600)).wireText
        let yaml = """
            source:
              base_url: \(mock.baseURL)
              api_key: sk-ant-api01-pipeline-sink-test
              start: \(start)
              page_size: 1000
              poll_interval: 200ms
              budget: { max_requests_per_minute: 600, reserve_fraction: 0 }
            checkpoint:
              path: \(directory)/checkpoint.json
              flush_interval: 200ms
            dead_letter:
              directory: \(directory)/dead-letter
            sinks:
            \(sinks)
            """
        let configuration: ForwarderConfiguration
        do {
            configuration = try ConfigurationLoader.load(yaml: yaml, baseDirectory: directory, environment: [:])
        } catch {
            Issue.record("\(error.problems.map { "\($0.path): \($0.message)" })")
            throw error
        }
        // Refused documents are logged as errors by design; the test checks the dead-letter file.
        var logger = Logger(label: "pipeline-sink-test")
        logger.logLevel = .critical
        let parts = try ForwarderRuntime.make(configuration: configuration, logger: logger)
        let last = mock.allIDs().last
        let group = ServiceGroup(services: [parts.pipeline], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let pipeline = parts.pipeline
            let reached = try await eventually(timeout: timeout, every: .milliseconds(50)) {
                pipeline.checkpointer.committed.cursor == last
            }
            #expect(
                reached,
                "checkpoint at \(pipeline.checkpointer.committed.cursor ?? "nil"), expected \(last ?? "nil")"
            )
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return parts.pipeline
    }

    /// Every dead-letter entry under `directory`: activity id → (HTTP status, reason).
    static func deadLetters(in directory: String) throws -> [String: (status: Int64?, reason: String)] {
        var entries: [String: (status: Int64?, reason: String)] = [:]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            let text = String(decoding: TestGzip.decompress(Array(data)) ?? [], as: UTF8.self)
            for line in text.split(separator: "\n") {
                guard let object = try JSONParser.parse(String(line)).objectValue,
                    let id = object["record"]?.objectValue?.string("id")
                else { continue }
                entries[id] = (object["status"]?.int64Value, object.string("reason") ?? "")
            }
        }
        return entries
    }

    /// 30 000 activities, mock → pipeline → syslog/TLS → rsyslog: every id arrives once.
    @Test(.enabled(if: SyslogReceiver.installed || SyslogReceiver.isCI, Comment(rawValue: SyslogReceiver.skipMessage)))
    func syslogOverTLSToRsyslogDeliversTheWholeBacklog() async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try SyslogInteropTests.Setup(.rsyslog, mutualTLS: false)
        defer { setup.tearDown() }
        try await MockComplianceAPI.withRunning(configuration: Self.mockConfiguration(backlog: 30_000)) { mock in
            let expected = mock.allIDs()
            let started = ContinuousClock.now
            _ = try await Self.runForwarder(
                mock,
                sinks: """
                      - name: siem
                        type: syslog
                        format: cef
                        address: 127.0.0.1:\(setup.receiver.port)
                        transport: tls
                        hostname: fwd.example.com
                        tls: { ca_file: \(setup.certificates)/ca.pem, server_name: localhost }
                        reconnect: { initial_backoff: 100ms, max_backoff: 1s }
                    """,
                directory: setup.directory.path + "/forwarder"
            )
            let messages = try await setup.receiver.waitForIDs(Set(expected), timeout: .seconds(60))
            let received = SyslogReceiver.ids(in: messages)
            print("pipeline → rsyslog/TLS: \(expected.count) activities in \(ContinuousClock.now - started)")
            let missing = Set(expected).subtracting(received)
            #expect(missing.isEmpty, "\(missing.count) of \(expected.count) missing")
            #expect(received.count == expected.count, "\(received.count - Set(received).count) duplicates")
            #expect(try Self.deadLetters(in: setup.directory.path + "/forwarder/dead-letter").isEmpty)
        }
    }

    static func elasticsearchSink(url: String) -> String {
        """
              - name: elastic
                type: http
                mode: elasticsearch
                format: ecs
                url: \(url)
                index: \(ElasticsearchReceiver.index)
                api_key: \(ElasticsearchReceiver.apiKey)
                timeout: 500ms
                batch: { max_events: 500 }
                max_in_flight: 4
                retry: { initial_backoff: 5ms, max_backoff: 50ms }
        """
    }

    /// 50 000 activities through 503 storms, 429s, resets (some after the documents were
    /// stored), replies slower than the timeout and per-item 429/503/400: each id is stored once
    /// or dead-lettered with the receiver's reason. A second run over the same backlog from an
    /// empty checkpoint stores nothing new: every document answers 409 and counts as delivered.
    @Test func elasticsearchThroughFaultsThenReplayStoresEachDocumentOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = ElasticsearchReceiver(faults: true, maximumBody: 400_000, poison: Self.isPoison)
        try await MockComplianceAPI.withRunning(configuration: Self.mockConfiguration(backlog: 50_000)) { mock in
            let expected = Set(mock.allIDs())
            let poison = expected.filter(Self.isPoison)
            try await TestHTTPServer.withRunning(receiver.handle) { server in
                let started = ContinuousClock.now
                _ = try await Self.runForwarder(
                    mock,
                    sinks: Self.elasticsearchSink(url: server.baseURL),
                    directory: directory.path + "/first"
                )
                let firstRun = ContinuousClock.now - started
                let state = receiver.state.withLock { $0 }
                let deadLetters = try Self.deadLetters(in: directory.path + "/first/dead-letter")
                #expect(state.malformed.isEmpty)
                #expect(state.stored.values.allSatisfy { $0 == 1 }, "a document stored twice")
                #expect(Set(state.stored.keys) == expected.subtracting(poison))
                #expect(Set(deadLetters.keys) == poison)
                #expect(
                    Set(state.stored.keys).union(deadLetters.keys) == expected,
                    "every id delivered or dead-lettered"
                )
                #expect(!poison.isEmpty)
                for (id, entry) in deadLetters {
                    #expect(entry.status == 400, "\(id)")
                    #expect(entry.reason.contains("document_parsing_exception"), "\(id): \(entry.reason)")
                }
                #expect(state.conflicts > 0, "replies lost after storing must have been replayed and answered 409")

                let conflictsBefore = state.conflicts
                _ = try await Self.runForwarder(
                    mock,
                    sinks: Self.elasticsearchSink(url: server.baseURL),
                    directory: directory.path + "/replay"
                )
                let replay = receiver.state.withLock { $0 }
                #expect(
                    replay.stored.count == state.stored.count && replay.stored.values.allSatisfy { $0 == 1 },
                    "the replay stored no duplicate"
                )
                #expect(
                    replay.conflicts - conflictsBefore >= expected.count - poison.count,
                    "every replayed document answered 409"
                )
                #expect(Set(try Self.deadLetters(in: directory.path + "/replay/dead-letter").keys) == poison)
                print(
                    "pipeline → _bulk with faults: \(expected.count) activities, \(poison.count) dead-lettered, "
                        + "\(state.requests) requests, \(state.conflicts) 409s in \(firstRun); replay \(replay.requests - state.requests) requests"
                )
            }
        }
    }

    /// Splunk HEC refusing one event of a batch (`invalid-event-number`) among busy replies and
    /// resets: the events before it are delivered, it is dead-lettered, the rest resent.
    @Test func splunkHECWithPartialAcceptance() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = SplunkReceiver(faults: true, poison: true, poisonRule: Self.isPoison)
        try await MockComplianceAPI.withRunning(configuration: Self.mockConfiguration(backlog: 8_000)) { mock in
            let expected = Set(mock.allIDs())
            let poison = expected.filter(Self.isPoison)
            try await TestHTTPServer.withRunning(receiver.handle) { server in
                _ = try await Self.runForwarder(
                    mock,
                    sinks: """
                          - name: splunk
                            type: http
                            mode: splunk_hec
                            format: ecs
                            url: \(server.baseURL)/services/collector/event
                            token: \(SplunkReceiver.token)
                            timeout: 500ms
                            batch: { max_events: 200 }
                            retry: { initial_backoff: 5ms, max_backoff: 50ms }
                        """,
                    directory: directory.path
                )
            }
            let state = receiver.state.withLock { $0 }
            let deadLetters = try Self.deadLetters(in: directory.path + "/dead-letter")
            #expect(state.problems.isEmpty)
            #expect(!poison.isEmpty)
            #expect(Set(state.received.keys) == expected.subtracting(poison), "every good event indexed")
            #expect(Set(deadLetters.keys) == poison, "exactly the refused events dead-lettered")
            for (id, entry) in deadLetters {
                #expect(entry.status == 400, "\(id)")
                #expect(entry.reason.contains("Invalid data format"), "\(id): \(entry.reason)")
            }
            let duplicates = state.received.values.reduce(0) { $0 + $1 - 1 }
            print(
                "pipeline → HEC: \(expected.count) activities, \(poison.count) dead-lettered, \(duplicates) duplicates "
                    + "(slow replies re-sent), \(state.requests) requests"
            )
        }
    }
}
