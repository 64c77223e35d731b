public import ComplianceAPI

extension ForwarderConfiguration {
    /// `retry` / `reconnect`: exponential backoff bounds, shared by the source and the sinks.
    public struct Backoff: Sendable, Hashable {
        /// `initial_backoff`: the first wait.
        public var initialBackoff: Duration
        /// `max_backoff`: the longest wait.
        public var maximumBackoff: Duration

        /// - Parameters:
        ///   - initialBackoff: Defaults to 1 s.
        ///   - maximumBackoff: Defaults to 60 s.
        public init(initialBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(60)) {
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
        }

        /// A retry policy with these bounds, default jitter, and no retry limit: a forwarder
        /// that promises no loss keeps retrying what can be retried.
        public var retryPolicy: RetryPolicy {
            RetryPolicy(initialBackoff: initialBackoff, maximumBackoff: maximumBackoff, maximumRetries: nil)
        }
    }
}
