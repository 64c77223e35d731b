import ComplianceAPI
import InMemoryLogging
import Logging
import MockComplianceAPI

/// A key with a recognisable secret part, to prove it never leaks.
let testKey = "sk-ant-api01-SECRETSECRETSECRET-do-not-leak"

/// A client for `mock`, with no jitter so waits are exact.
func makeClient(
    _ mock: MockComplianceAPI,
    clock: any APIClock = SystemAPIClock(),
    retry: RetryPolicy = RetryPolicy(jitter: 0),
    budget: RateLimitBudget.Configuration = .init(maximumRequestsPerMinute: 10_000, reserveFraction: 0),
    logger: Logger = Logger(label: "test")
) -> ComplianceClient {
    ComplianceClient(
        configuration: .init(baseURL: mock.baseURL, apiKey: APIKey(testKey), retry: retry, budget: budget),
        clock: clock,
        logger: logger
    )
}

/// A logger that keeps every entry, at trace level.
func makeRecordingLogger() -> (Logger, InMemoryLogHandler) {
    let handler = InMemoryLogHandler()
    var logger = Logger(label: "recording") { _ in handler }
    logger.logLevel = .trace
    return (logger, handler)
}
