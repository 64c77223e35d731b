/// How a ``ComplianceClient``'s latest requests ended: what a readiness probe reports.
public struct RequestStatus: Sendable, Hashable {
    /// When a request last returned a page.
    public var lastSuccess: RFC3339Timestamp?
    /// The error of the latest request, when it failed (cleared by the next success).
    public var lastFailure: ComplianceAPIError?

    public init(lastSuccess: RFC3339Timestamp? = nil, lastFailure: ComplianceAPIError? = nil) {
        self.lastSuccess = lastSuccess
        self.lastFailure = lastFailure
    }
}
