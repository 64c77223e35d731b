import ForwarderCore
import Synchronization
import Testing

@testable import Forwarder

/// `max_in_flight`: several requests wait for replies at once; acknowledgements arrive out of
/// order and still cover every event exactly once.
@Suite struct HTTPInFlightTests {
    /// Counts requests being handled at the same moment; replies after `delay`, slower for
    /// every third request so replies overtake each other.
    final class SlowReceiver: Sendable {
        let state = Mutex((current: 0, peak: 0, ids: [String]()))

        func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
            let number = state.withLock { state in
                state.current += 1
                state.peak = max(state.peak, state.current)
                state.ids += WebhookReceiver.ids(in: request.body ?? [])
                return state.ids.count
            }
            try? await Task.sleep(for: .milliseconds(number % 3 == 0 ? 150 : 50))
            state.withLock { $0.current -= 1 }
            return .reply(status: 200)
        }
    }

    static func run(maximumInFlight: Int) async throws -> (run: HTTPSinkRun, peak: Int, ids: [String]) {
        let receiver = SlowReceiver()
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try HTTPSink(
                    name: "hook",
                    configuration: .init(
                        mode: .webhook,
                        url: server.baseURL + "/hook",
                        retry: HTTPSinkHarness.fastRetry,
                        maximumInFlight: maximumInFlight
                    ),
                    batch: .init(maximumEvents: 50),
                    encoder: EventEncoder(format: .ecs)
                ),
                batches: HTTPTestEvents.batches(1..<2001, batchSize: 500)
            )
        }
        let state = receiver.state.withLock { $0 }
        return (run, state.peak, state.ids)
    }

    @Test func severalRequestsInFlightAcknowledgeEveryEventOnce() async throws {
        let result = try await Self.run(maximumInFlight: 4)
        #expect(result.peak > 1 && result.peak <= 4, "peak \(result.peak) concurrent requests")
        #expect(result.run.acknowledger.count == 2000 && result.run.acknowledger.repeats == 0)
        #expect(result.ids.count == 2000 && Set(result.ids).count == 2000)
    }

    @Test func oneInFlightSendsOneRequestAtATime() async throws {
        let result = try await Self.run(maximumInFlight: 1)
        #expect(result.peak == 1)
        #expect(result.run.acknowledger.count == 2000)
    }
}
