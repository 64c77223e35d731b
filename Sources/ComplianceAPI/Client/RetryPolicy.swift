/// When to retry a failed request, and how long to wait first: the one backoff policy of the API
/// client and every sink (file, syslog, HTTP).
///
/// Exponential backoff from ``initialBackoff`` doubling to ``maximumBackoff``, with ±``jitter``
/// so that many forwarders do not retry in lockstep. A `retry-after` header is a floor: the wait
/// is never shorter than what the server asked for (the SDK's choice, adr/0007), up to
/// `RetryAfter.ceiling`.
public struct RetryPolicy: Sendable, Hashable {
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// Fraction of the backoff added or removed at random, `0...1`.
    public var jitter: Double
    /// Retries after the first attempt; `nil` retries for as long as the error is retryable.
    public var maximumRetries: Int?

    /// - Parameters:
    ///   - initialBackoff: The first wait. Defaults to 1 s.
    ///   - maximumBackoff: The longest computed wait. Defaults to 60 s.
    ///   - jitter: ± this fraction of the wait. Defaults to 0.25.
    ///   - maximumRetries: Retries before giving up; `nil` for no limit. Defaults to 3 (as the SDK).
    public init(
        initialBackoff: Duration = .seconds(1),
        maximumBackoff: Duration = .seconds(60),
        jitter: Double = 0.25,
        maximumRetries: Int? = 3
    ) {
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.jitter = min(max(jitter, 0), 1)
        self.maximumRetries = maximumRetries
    }

    /// Retries retryable errors for ever: what a forwarder that must not skip a page wants.
    public static let unlimited = RetryPolicy(maximumRetries: nil)

    /// The wait before retry number `retry` (1 for the first retry) after `error`, or `nil` when
    /// the request must not be retried.
    public func delay(
        after error: ComplianceAPIError,
        retry: Int,
        using generator: inout some RandomNumberGenerator
    ) -> Duration? {
        guard error.isRetryable else { return nil }
        if let maximumRetries, retry > maximumRetries { return nil }
        return delay(retry: retry, retryAfter: error.retryAfter, using: &generator)
    }

    /// The wait before retry number `retry`: the jittered backoff, or what the server asked for
    /// (`Retry-After`, capped at `RetryAfter.ceiling`) when that is longer.
    package func delay(
        retry: Int,
        retryAfter: Duration?,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let backoff = backoff(retry: retry, using: &generator)
        guard let retryAfter else { return backoff }
        return max(backoff, min(retryAfter, RetryAfter.ceiling))
    }

    /// ``delay(retry:retryAfter:using:)`` with the system's random numbers.
    package func delay(retry: Int, retryAfter: Duration? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(retry: retry, retryAfter: retryAfter, using: &generator)
    }

    /// The jittered exponential backoff for retry number `retry`, capped at ``maximumBackoff``.
    public func backoff(retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        var base = initialBackoff * (1 << exponent)
        if base > maximumBackoff { base = maximumBackoff }
        guard jitter > 0 else { return base }
        let factor = Double.random(in: (1 - jitter)...(1 + jitter), using: &generator)
        let jittered = base * factor
        return jittered > maximumBackoff ? maximumBackoff : jittered
    }
}
