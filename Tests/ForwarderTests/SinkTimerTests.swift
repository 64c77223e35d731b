import ComplianceAPI
import Forwarder
import ForwarderCore
import Foundation
import Logging
import MockComplianceAPI
import ServiceLifecycle
import Testing

/// Time reaches the sinks from their own timers, not from the source: while the API fails, the
/// poller sends nothing, yet the archive still closes its active segment once it is `max_age` old.
@Suite struct SinkTimerTests {
    @Test func theArchiveRotatesOnTimeWhileTheAPIFails() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let archive = directory.path + "/archive"
        let maximumAge = Duration.seconds(1)
        // The outage's retries are logged as warnings by design.
        var logger = Logger(label: "sink-timer-test")
        logger.logLevel = .critical
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            let first = mock.insert(type: "claude_chat_viewed", createdAt: .now.adding(.seconds(-30)))
            let client = ComplianceClient(
                configuration: .init(
                    baseURL: mock.baseURL,
                    apiKey: APIKey("sk-ant-api01-timer-test-key"),
                    retry: RetryPolicy(
                        initialBackoff: .milliseconds(100),
                        maximumBackoff: .milliseconds(100),
                        jitter: 0,
                        maximumRetries: nil
                    ),
                    budget: .init(maximumRequestsPerMinute: 6000, reserveFraction: 0)
                ),
                logger: logger
            )
            let sink = FileSink(
                name: "archive",
                configuration: .init(directory: archive, rotate: .init(maximumAge: maximumAge)),
                encoder: .raw
            )
            let source = ForwarderConfiguration.Source(
                apiKey: APIKey("unused"),
                pollInterval: .milliseconds(50),
                lookback: .seconds(600)
            )
            let pipeline = ForwarderPipeline(
                configuration: .init(source: source),
                source: .init(
                    source,
                    client: client,
                    checkpoint: CheckpointStore(path: directory.path + "/checkpoint.json"),
                    committed: CheckpointState(start: .now.adding(.seconds(-3600))),
                    now: .now
                ),
                sinks: [sink],
                deadLetters: DeadLetterWriter(directory: directory.path + "/dead-letter"),
                logger: logger
            )
            let group = ServiceGroup(services: [pipeline], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // The segment opens with the first batch.
                let delivered = try await eventually(timeout: .seconds(30)) {
                    pipeline.checkpointer.committed.cursor == first
                }
                #expect(delivered)
                #expect(try Self.segments(in: archive).active.count == 1)
                // Every request now fails for well over twice max_age (100 ms apart).
                mock.enqueueFaults(Array(repeating: .unavailable(503), count: 60))
                let outageStarted = mock.requestCount
                let rotated = try await eventually(timeout: .seconds(30)) {
                    (try? Self.segments(in: archive).final.count) == 1
                }
                #expect(rotated, "the active segment stayed open past max_age while the API failed")
                // Rotated during the outage: the API has answered only 503s since, and still has
                // more to give.
                #expect(mock.pendingFaults > 0)
                #expect(mock.requestCount > outageStarted)
                #expect(try Self.segments(in: archive).active.isEmpty)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    static func segments(in directory: String) throws -> (active: [String], final: [String]) {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return (names.filter { $0.hasSuffix(".gz.tmp") }, names.filter { $0.hasSuffix(".gz") })
    }
}
