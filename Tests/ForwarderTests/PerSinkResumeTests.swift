import ComplianceAPI
import ForwarderCore
import Foundation
import Logging
import Metrics
import MetricsTestKit
import MockComplianceAPI
import ServiceLifecycle
import Testing

@testable import Forwarder

/// Per-sink resume wired through the checkpointer, both backends and the fan-out: a restart does
/// not send a sink what it acknowledged beyond the common cursor, and the cursor still advances.
@Suite struct PerSinkResumeTests {
    static let start = RFC3339Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func page(_ sequence: UInt64, _ ids: [String]) -> BatchRecord {
        let events = ids.enumerated().map { ($1, start.adding(.seconds(Int64(sequence) * 10 + Int64($0)))) }
        return BatchRecord(
            sequence: sequence,
            eventCount: ids.count,
            resume: events.last.map { ResumePoint(id: $0.0, createdAt: $0.1) },
            ids: [],
            eventIDs: events
        )
    }

    @Test func theCheckpointRecordsWhatEachSinkAcknowledgedWhileTheCursorWaits() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = CheckpointStore(path: directory.path + "/checkpoint.json")
        let clock = VirtualClock(start: Self.start.adding(.seconds(60)))
        let loaded = CheckpointState(
            start: Self.start,
            sinkProgress: SinkProgress([
                "archive": ["old": Self.start.adding(.seconds(100))],
                "renamed-away": ["a1": Self.start],
            ])
        )
        let checkpointer = Checkpointer(
            store: store,
            initial: loaded,
            sinkNames: ["archive", "splunk"],
            horizon: .seconds(600),
            clock: clock,
            logger: Logger(label: "test")
        )
        #expect(checkpointer.acknowledgedBeforeRestart == [["old"], []], "an unknown name is ignored")

        try checkpointer.register(Self.page(1, ["a1", "a2"]))
        try checkpointer.register(Self.page(2, ["b1"]))
        checkpointer.acknowledge(sink: 0, batch: 1, events: [0, 1])
        checkpointer.acknowledge(sink: 0, batch: 2, events: [0])
        // Nothing is committable ("splunk" acknowledged nothing), yet the progress is written.
        try await checkpointer.flush()
        var written = try #require(try store.load())
        #expect(written.cursor == nil)
        #expect(Set(written.sinkProgress.ids(of: "archive").keys) == ["old", "a1", "a2", "b1"])
        #expect(written.sinkProgress.acknowledged.keys.sorted() == ["archive"], "renamed-away is dropped")

        // The slow sink catches up with the first batch: the cursor moves, its ids leave.
        checkpointer.acknowledge(sink: 1, batch: 1, events: [0, 1])
        try await checkpointer.flush()
        written = try #require(try store.load())
        #expect(written.cursor == "a2")
        #expect(Set(written.sinkProgress.ids(of: "archive").keys) == ["old", "b1"])

        // A repeated acknowledgement changes nothing, so nothing is written.
        try FileManager.default.removeItem(atPath: store.path)
        checkpointer.acknowledge(sink: 0, batch: 2, events: [0])
        try await checkpointer.flush()
        #expect(try store.load() == nil)
    }

    @Test func checkpointShowSaysHowFarEachSinkIsAhead() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/forwarder.yaml"
        try """
        source:
          base_url: http://127.0.0.1:9
          api_key: sk-ant-api01-show-progress
          start: 2020-01-01T00:00:00Z
        checkpoint:
          path: \(directory.path)/state/checkpoint.json
        sinks:
          - name: archive
            type: file
            format: raw
            directory: \(directory.path)/archive
          - name: siem
            type: file
            format: raw
            directory: \(directory.path)/siem
        """.write(toFile: config, atomically: true, encoding: .utf8)
        try CheckpointStore(path: directory.path + "/state/checkpoint.json").save(
            CheckpointState(
                start: Self.start,
                cursor: "c",
                cursorCreatedAt: Self.start,
                sinkProgress: SinkProgress([
                    "archive": ["d": Self.start.adding(.seconds(1)), "e": Self.start.adding(.seconds(2))],
                    "old-siem": ["d": Self.start.adding(.seconds(1))],
                ])
            )
        )
        let (status, output) = try await ForwarderProcess.run(["checkpoint", "show", "--config", config])
        #expect(status == 0, "\(output)")
        #expect(output.contains("acknowledged beyond the cursor, per sink"))
        #expect(output.contains("    archive: 2 activities\n"))
        #expect(output.contains("    siem: 0 activities\n"))
        #expect(output.contains("    old-siem: 1 (not configured: ignored"))
    }

    @Test func aRestartSendsEachSinkOnlyWhatItHadNotAcknowledged() async throws {
        let clock = VirtualClock()
        let metrics = TestMetrics()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withMetricsFactory(metrics) {
            try await MockComplianceAPI.withRunning(
                configuration: .init(
                    backlog: 300,
                    backlogEnd: clock.now.adding(.seconds(-3600)),
                    recordAccess: false,
                    clock: clock
                )
            ) { mock in
                let expected = mock.allIDs()
                // The checkpoint of a run killed while "ahead" was 120 events past the cursor
                // (and "behind" was at it); "removed" is no longer configured.
                let acknowledged = Array(expected.prefix(120))
                let committed = CheckpointState(
                    start: clock.now.adding(.seconds(-30 * 86_400)),
                    sinkProgress: SinkProgress([
                        "ahead": Dictionary(uniqueKeysWithValues: acknowledged.map { ($0, clock.now) }),
                        "removed": Dictionary(uniqueKeysWithValues: expected.map { ($0, clock.now) }),
                    ])
                )
                let ahead = RecordingSink(name: "ahead")
                let behind = RecordingSink(name: "behind")
                let store = CheckpointStore(path: directory.path + "/checkpoint.json")
                let configuration = ForwarderPipeline.Configuration(
                    source: .init(apiKey: APIKey("unused"), pageSize: 50)
                )
                let pipeline = ForwarderPipeline(
                    configuration: configuration,
                    source: .init(
                        configuration.source,
                        client: ComplianceClient(
                            configuration: .init(
                                baseURL: mock.baseURL,
                                apiKey: APIKey("k"),
                                budget: .init(reserveFraction: 0)
                            ),
                            clock: clock
                        ),
                        checkpoint: store,
                        committed: committed,
                        now: clock.now
                    ),
                    sinks: [ahead, behind],
                    deadLetters: DeadLetterWriter(directory: directory.path + "/dl"),
                    clock: clock,
                    logger: Logger(label: "test")
                )
                let group = ServiceGroup(services: [pipeline], logger: Logger(label: "test"))
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    let done = try await eventually(timeout: .seconds(120)) {
                        behind.uniqueCount == expected.count && pipeline.checkpointer.committed.cursor == expected.last
                    }
                    #expect(done)
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
                #expect(ahead.ids == Array(expected.dropFirst(120)), "not re-sent what it had acknowledged")
                #expect(behind.ids == expected, "a sink with no progress gets everything after the cursor")
                let written = try #require(try store.load())
                #expect(written.cursor == expected.last, "skipped events were acknowledged: the cursor passed them")
                #expect(written.sinkProgress.isEmpty, "everything is committed: nothing is ahead")
                let skipped = try metrics.expectCounter(
                    "compliance_forwarder_resend_skipped_total",
                    [("sink", "ahead")]
                )
                #expect(skipped.totalValue == 120)
            }
        }
    }
}
