import ComplianceAPI
import MockComplianceAPI
import Testing

@Suite struct ErrorAndRetryTests {
    @Test(arguments: [
        (MockFault.unauthorized, 401, ComplianceAPIError.Code.authentication, "authentication_error"),
        (.forbidden, 403, .insufficientScope, "permission_error"),
        (.notFound, 404, .notFound, "not_found_error"),
        (.conflict, 409, .conflict, "conflict_error"),
        (.rateLimited(retryAfter: 3), 429, .rateLimited, "rate_limit_error"),
        (.internalError(), 500, .server, "api_error"),
        (.unavailable(502), 502, .server, "api_error"),
        (.unavailable(503), 503, .server, "api_error"),
        (.unavailable(504), 504, .server, "api_error"),
        (.unavailable(529), 529, .overloaded, "overloaded_error"),
    ])
    func mapsEveryStatus(
        _ fault: MockFault,
        _ status: Int,
        _ code: ComplianceAPIError.Code,
        _ type: String
    ) async throws {
        try await MockComplianceAPI.withRunning { mock in
            mock.enqueueFaults([fault])
            let client = makeClient(mock)
            let error = try await #require(throws: ComplianceAPIError.self) {
                try await client.fetchPageOnce(ActivityQuery(limit: 1))
            }
            #expect(error.status == status)
            #expect(error.code == code)
            #expect(error.errorType == type)
            #expect(error.requestID?.hasPrefix("req_mock_") == true)
            #expect(error.isRetryable == ([409, 429, 500, 502, 503, 504, 529].contains(status)))
            if status == 429 { #expect(error.retryAfter == .seconds(3)) }
        }
    }

    @Test func explainsTheUsualCausesOf403And404() async throws {
        try await MockComplianceAPI.withRunning { mock in
            mock.enqueueFaults([.forbidden, .notFound])
            let client = makeClient(mock)
            let forbidden = try await #require(throws: ComplianceAPIError.self) {
                try await client.fetchPageOnce(ActivityQuery())
            }
            #expect(forbidden.neededScopes == ["read:compliance_activities", "read:org_audit"])
            #expect(forbidden.description.contains("lacks the scope read:compliance_activities or read:org_audit"))
            let notFound = try await #require(throws: ComplianceAPIError.self) {
                try await client.fetchPageOnce(ActivityQuery())
            }
            #expect(notFound.description.contains("wrong kind"))
            #expect(notFound.description.contains("Compliance Access Key"))
        }
    }

    @Test func a400FromTheServerIsReportedWithItsMessage() async throws {
        try await MockComplianceAPI.withRunning { mock in
            let client = makeClient(mock)
            let error = try await #require(throws: ComplianceAPIError.self) {
                try await client.activities.list(activityTypes: ["no_such_type"])
            }
            #expect(error.code == .invalidRequest)
            #expect(error.message == "activity_types[].0: Input is not one of the permitted values.")
            #expect(mock.requestCount == 1, "400 is never retried")
        }
    }

    @Test func retriesHonourRetryAfterAsAFloorWithoutRealSleeping() async throws {
        let clock = VirtualClock()
        try await MockComplianceAPI.withRunning(configuration: .init(backlog: 3, clock: clock)) { mock in
            mock.enqueueFaults([.rateLimited(retryAfter: 7), .unavailable(503), .unavailable(529), .internalError()])
            let client = makeClient(mock, clock: clock, retry: RetryPolicy(jitter: 0, maximumRetries: 4))
            let page = try await client.activities.list(limit: 10)
            #expect(page.data.count == 3)
            // 429: max(7 s, 1 s backoff); then 2 s, 4 s, 8 s of plain exponential backoff.
            #expect(clock.sleeps == [.seconds(7), .seconds(2), .seconds(4), .seconds(8)])
            #expect(mock.requestCount == 5)
        }
    }

    @Test func backoffIsCappedAndJittered() {
        var generator = SystemRandomNumberGenerator()
        let policy = RetryPolicy(jitter: 0.25, maximumRetries: nil)
        for retry in 1...20 {
            let delay = policy.backoff(retry: retry, using: &generator)
            let base = min(Double(1 << min(retry - 1, 30)), 60)
            #expect(delay >= .milliseconds(Int64(base * 750)) && delay <= .seconds(60))
        }
    }

    @Test func shouldRetryFalseStopsAndShouldRetryTrueIsNotEnoughFor4xx() async throws {
        let clock = VirtualClock()
        try await MockComplianceAPI.withRunning(configuration: .init(clock: clock)) { mock in
            let client = makeClient(mock, clock: clock)
            mock.enqueueFaults([.internalError(shouldRetry: false)])
            let final = try await #require(throws: ComplianceAPIError.self) {
                try await client.activities.list()
            }
            #expect(final.shouldRetry == false && !final.isRetryable)
            #expect(mock.requestCount == 1)
            for fault in [MockFault.unauthorized, .forbidden, .notFound] {
                mock.enqueueFaults([fault])
                _ = try await #require(throws: ComplianceAPIError.self) { try await client.activities.list() }
            }
            #expect(mock.requestCount == 4)
            #expect(clock.sleeps.isEmpty)
        }
        let forced = ComplianceAPIError(code: .notFound, status: 404, message: "Not found", shouldRetry: true)
        #expect(!forced.isRetryable)
        let allowed = ComplianceAPIError(code: .unexpectedStatus, status: 418, message: "x", shouldRetry: true)
        #expect(allowed.isRetryable)
    }

    @Test func givesUpAfterTheConfiguredRetriesAndSurvivesResetsAndGarbage() async throws {
        let clock = VirtualClock()
        try await MockComplianceAPI.withRunning(configuration: .init(backlog: 5, clock: clock)) { mock in
            let client = makeClient(mock, clock: clock, retry: RetryPolicy(jitter: 0, maximumRetries: 2))
            mock.enqueueFaults([.connectionReset, .malformedBody])
            let page = try await client.activities.list()
            #expect(page.data.count == 5)
            mock.enqueueFaults(Array(repeating: .unavailable(503), count: 3))
            let error = try await #require(throws: ComplianceAPIError.self) { try await client.activities.list() }
            #expect(error.status == 503)
            #expect(mock.pendingFaults == 0)
        }
    }
}
