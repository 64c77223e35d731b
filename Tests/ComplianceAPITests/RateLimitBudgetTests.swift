import ComplianceAPI
import MockComplianceAPI
import Testing

@Suite struct RateLimitBudgetTests {
    @Test func stopsAtTheReserveAndWaitsForTheReset() async throws {
        let clock = VirtualClock()
        try await MockComplianceAPI.withRunning(configuration: .init(rateLimitPerMinute: 10, clock: clock)) { mock in
            let client = makeClient(
                mock,
                clock: clock,
                budget: .init(maximumRequestsPerMinute: 600, reserveFraction: 0.5)
            )
            for _ in 0..<5 { _ = try await client.activities.list(limit: 1) }
            #expect(clock.sleeps.isEmpty)
            #expect(client.lastRateLimit?.remaining == 5)
            _ = try await client.activities.list(limit: 1)
            // Five of ten requests used: the reserve of five is kept, so the sixth waits for the reset.
            #expect(clock.sleeps == [.seconds(60)])
            #expect(mock.responsesByStatus[429] == nil)
        }
    }

    @Test func neverExceedsTheHardCapPerMinute() async throws {
        let clock = VirtualClock()
        try await MockComplianceAPI.withRunning(configuration: .init(clock: clock)) { mock in
            let client = makeClient(mock, clock: clock, budget: .init(maximumRequestsPerMinute: 3, reserveFraction: 0))
            for _ in 0..<7 {
                _ = try await client.activities.list(limit: 1)
                clock.advance(by: .seconds(1))
            }
            // Requests at t=0,1,2; the 4th waits until t=60; 5th and 6th at 61, 62; the 7th until 120.
            #expect(clock.sleeps == [.seconds(57), .seconds(57)])
            #expect(mock.requestCount == 7)
        }
    }

    @Test func pureBudgetForgetsAnExpiredReset() {
        var budget = RateLimitBudget(configuration: .init(maximumRequestsPerMinute: 100, reserveFraction: 0.5))
        let now = RFC3339Timestamp(secondsSinceEpoch: 1000)
        budget.observe(RateLimitSnapshot(limit: 600, remaining: 300, reset: now.adding(.seconds(20))), at: now)
        #expect(budget.reserve == 300)
        #expect(budget.delayBeforeNextRequest(now: now) == .seconds(20))
        #expect(budget.delayBeforeNextRequest(now: now.adding(.seconds(21))) == .zero)
    }
}
