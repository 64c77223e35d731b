import ComplianceAPI
import Forwarder
import ForwarderCore
import Foundation
import Logging
import Metrics
import MetricsTestKit
import MockComplianceAPI
import ServiceLifecycle
import Testing

@Suite struct PipelineTests {
    /// Runs a pipeline against `mock` until `until` holds, then shuts it down gracefully.
    func runPipeline(
        _ mock: MockComplianceAPI,
        sinks: [any Sink],
        clock: VirtualClock,
        directory: TemporaryDirectory,
        configuration: ForwarderPipeline.Configuration,
        budget: RateLimitBudget.Configuration = .init(maximumRequestsPerMinute: 600, reserveFraction: 0),
        until: @escaping @Sendable () -> Bool
    ) async throws -> ForwarderPipeline {
        let client = ComplianceClient(
            configuration: .init(
                baseURL: mock.baseURL,
                apiKey: APIKey("sk-ant-api01-test-key"),
                retry: RetryPolicy(jitter: 0, maximumRetries: nil),
                budget: budget
            ),
            clock: clock
        )
        let pipeline = ForwarderPipeline(
            configuration: configuration,
            source: .init(
                configuration.source,
                client: client,
                checkpoint: CheckpointStore(path: directory.path + "/checkpoint.json"),
                committed: CheckpointState(start: clock.now.adding(.seconds(-7 * 86_400))),
                now: clock.now
            ),
            sinks: sinks,
            deadLetters: DeadLetterWriter(directory: directory.path + "/dead-letter"),
            clock: clock,
            logger: Logger(label: "test")
        )
        let group = ServiceGroup(services: [pipeline], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let reached = try await eventually(timeout: .seconds(300), until)
            #expect(reached)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return pipeline
    }

    @Test func lateRowsBehindTheCursorAreDeliveredAndCounted() async throws {
        let clock = VirtualClock()
        let metrics = TestMetrics()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withMetricsFactory(metrics) {
            try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false, clock: clock)) { mock in
                let now = clock.now
                let early = mock.insert(type: "claude_chat_viewed", createdAt: now.adding(.seconds(-10)))
                let late = mock.insert(
                    type: "sso_login_failed",
                    createdAt: now.adding(.seconds(-5)),
                    visibleAt: now.adding(.seconds(40))
                )
                let newer = mock.insert(type: "api_key_created", createdAt: now.adding(.seconds(-1)))
                let sink = RecordingSink()
                let pipeline = try await runPipeline(
                    mock,
                    sinks: [sink],
                    clock: clock,
                    directory: directory,
                    configuration: .init(
                        source: .init(apiKey: APIKey("unused"), pollInterval: .seconds(5), lookback: .seconds(600))
                    )
                ) { sink.uniqueCount >= 3 }
                #expect(sink.ids == [early, newer, late])
                #expect(try metrics.expectCounter("compliance_forwarder_late_arrivals_total").totalValue == 1)
                #expect(pipeline.checkpointer.committed.cursor == newer)
                #expect(pipeline.checkpointer.committed.delivered[late] != nil)
            }
        }
    }

    @Test func faultsLoseNothingAndTheBudgetHolds() async throws {
        let clock = VirtualClock()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let faults: [MockFault] = [
            .rateLimited(retryAfter: 2), .internalError(), .unavailable(502), .unavailable(503), .unavailable(529),
            .connectionReset, .malformedBody, .conflict,
        ]
        try await MockComplianceAPI.withRunning(
            configuration: .init(
                backlog: 20_000,
                backlogEnd: clock.now.adding(.seconds(-3600)),
                recordAccess: false,
                rateLimitPerMinute: 600,
                faultRate: 0.3,
                randomFaults: faults,
                clock: clock
            )
        ) { mock in
            mock.enqueueFaults(Array(repeating: .rateLimited(retryAfter: 5), count: 20))
            let expected = mock.allIDs()
            let sink = RecordingSink()
            let pipeline = try await runPipeline(
                mock,
                sinks: [sink],
                clock: clock,
                directory: directory,
                configuration: .init(
                    source: .init(apiKey: APIKey("unused"), pageSize: 700, pollInterval: .seconds(10))
                ),
                budget: .init(maximumRequestsPerMinute: 30, reserveFraction: 0)
            ) { sink.uniqueCount >= 20_000 }
            #expect(Set(sink.ids) == Set(expected))
            #expect(sink.ids.count - Set(sink.ids).count == 0, "faults cause retries, not duplicates")
            #expect(pipeline.checkpointer.committed.cursor == expected.last)
            let statuses = mock.responsesByStatus
            #expect(statuses[429, default: 0] >= 20)
            #expect(mock.peakRequestsPerMinute <= 30, "peak \(mock.peakRequestsPerMinute) requests/min")
        }
    }

    @Test func aStalledSinkStopsTheSourceAndMemoryStaysBounded() async throws {
        let clock = VirtualClock()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await MockComplianceAPI.withRunning(
            configuration: .init(
                backlog: 100_000,
                backlogEnd: clock.now.adding(.seconds(-3600)),
                recordAccess: false,
                clock: clock
            )
        ) { mock in
            let fast = RecordingSink(name: "fast")
            let stalled = RecordingSink(name: "stalled", stalled: true)
            let configuration = ForwarderPipeline.Configuration(
                source: .init(apiKey: APIKey("unused"), pageSize: 1000),
                pipeline: .init(channel: .init(maximumEvents: 3000, maximumBytes: 32 << 20))
            )
            let client = ComplianceClient(
                configuration: .init(baseURL: mock.baseURL, apiKey: APIKey("k"), budget: .init(reserveFraction: 0)),
                clock: clock
            )
            let pipeline = ForwarderPipeline(
                configuration: configuration,
                source: .init(
                    configuration.source,
                    client: client,
                    checkpoint: CheckpointStore(path: directory.path + "/checkpoint.json"),
                    committed: CheckpointState(start: clock.now.adding(.seconds(-86_400 * 2))),
                    now: clock.now
                ),
                sinks: [fast, stalled],
                deadLetters: DeadLetterWriter(directory: directory.path + "/dl"),
                clock: clock,
                logger: Logger(label: "test")
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await pipeline.run() }
                // The source fills the stalled sink's channel, then blocks: requests stop.
                var previous = -1
                var stableChecks = 0
                let settled = try await eventually {
                    let now = mock.requestCount
                    stableChecks = now == previous && now > 0 ? stableChecks + 1 : 0
                    previous = now
                    return stableChecks >= 25
                }
                #expect(settled)
                let depth = pipeline.channelDepths[1]
                #expect(depth.events <= 3000 + 1000, "the stalled channel holds at most its bound plus one page")
                #expect(mock.requestCount <= 6, "the source stopped fetching: \(mock.requestCount) requests")
                #expect(fast.ids.count <= 5000)
                #expect(pipeline.checkpointer.committed.cursor == nil, "nothing is committed while a sink lags")
                print(
                    "backpressure: \(mock.requestCount) requests, stalled channel \(depth.events) events / "
                        + "\(depth.bytes) bytes, peak RSS \(peakRSSMegabytes()) MiB"
                )
                tasks.cancelAll()
            }
        }
    }
}

func peakRSSMegabytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes / 1024
    }
    return -1
}
