import ComplianceAPI
import ForwarderCore
import Foundation
import InMemoryLogging
import Logging
import Metrics
import MetricsTestKit
import Synchronization

@testable import Forwarder

/// Records every acknowledgement, and acknowledgements of an event already acknowledged.
final class RecordingAcknowledger: Acknowledger {
    private let state = Mutex<(events: [UInt64: Set<Int>], repeats: Int)>(([:], 0))

    func acknowledge(sink: Int, batch: UInt64, events: some Sequence<Int>) {
        let indices = Array(events)
        state.withLock { state in
            for index in indices where !state.events[batch, default: []].insert(index).inserted {
                state.repeats += 1
            }
        }
    }

    var count: Int { state.withLock { $0.events.values.reduce(0) { $0 + $1.count } } }
    var repeats: Int { state.withLock { $0.repeats } }

    func isAcknowledged(batch: UInt64, index: Int) -> Bool {
        state.withLock { $0.events[batch]?.contains(index) ?? false }
    }
}

/// What a sink run left behind.
struct HTTPSinkRun {
    let acknowledger: RecordingAcknowledger
    let metrics: SinkMetrics
    let testMetrics: TestMetrics
    let logs: InMemoryLogHandler
    let directory: TemporaryDirectory

    /// Every dead-letter entry written, parsed.
    func deadLetters() throws -> [JSONObject] {
        var entries: [JSONObject] = []
        for file in try directory.files(in: "dead-letter") {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/dead-letter/" + file))
            let text = String(decoding: TestGzip.decompress(Array(data)) ?? [], as: UTF8.self)
            for line in text.split(separator: "\n") {
                if let object = try JSONParser.parse(String(line)).objectValue { entries.append(object) }
            }
        }
        return entries
    }

    /// The ids of the dead-lettered records.
    func deadLetteredIDs() throws -> Set<String> {
        Set(try deadLetters().compactMap { $0["record"]?.objectValue?.string("id") })
    }

    func counter(_ counter: Counter) -> Int64 {
        (try? testMetrics.expectCounter(counter).totalValue) ?? 0
    }

    /// Every log line, message and metadata, as text (for "never logged" checks).
    var logText: String {
        logs.entries.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n")
    }
}

/// Drives an ``HTTPSink`` directly, the way the pipeline does: a bounded ``SinkChannel``, a
/// context whose acknowledger records, a dead-letter writer in a temporary directory.
enum HTTPSinkHarness {
    struct TimedOut: Error {}

    /// Feeds `batches` (with a tick between them), ends the input, and waits for the sink to
    /// finish (it returns only once every event is acknowledged). `whileRunning` runs beside it.
    static func run(
        _ sink: some Sink,
        batches: [Batch],
        timeout: Duration = .seconds(300),
        whileRunning: (@Sendable (HTTPSinkRun) async throws -> Void)? = nil
    ) async throws -> HTTPSinkRun {
        let directory = try TemporaryDirectory()
        let testMetrics = TestMetrics()
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "http-sink-test") { _ in logs }
        logger.logLevel = .debug
        let metrics = withMetricsFactory(testMetrics) { SinkMetrics(sink: sink.name) }
        let run = HTTPSinkRun(
            acknowledger: RecordingAcknowledger(),
            metrics: metrics,
            testMetrics: testMetrics,
            logs: logs,
            directory: directory
        )
        let deadLetters = DeadLetterWriter(directory: directory.path + "/dead-letter")
        let context = SinkContext(
            index: 0,
            name: sink.name,
            acknowledger: run.acknowledger,
            deadLetters: deadLetters,
            logger: logger,
            metrics: metrics
        )
        let channel = SinkChannel(maximumEvents: 20_000, maximumBytes: 64 << 20)
        let stream = channel.makeStream()
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                try await sink.run(input: stream, context: context)
                return "sink"
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TimedOut()
            }
            if let whileRunning {
                group.addTask {
                    try await whileRunning(run)
                    return "side"
                }
            }
            for batch in batches {
                try await channel.send(.batch(batch))
                try await channel.send(.tick)
            }
            channel.finish()
            // Wait for the sink (a side task may end earlier), then stop the timer.
            while let finished = try await group.next(), finished != "sink" {}
            group.cancelAll()
        }
        deadLetters.close()
        return run
    }

    /// A logger-free configuration with fast retries, for tests.
    static let fastRetry = ForwarderConfiguration.Backoff(
        initialBackoff: .milliseconds(1),
        maximumBackoff: .milliseconds(20)
    )
}
