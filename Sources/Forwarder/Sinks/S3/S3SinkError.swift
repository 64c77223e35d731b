import ComplianceAPI

/// Why an S3 request or the spool failed.
///
/// Messages hold the store's error code and message and the bucket and key, never a credential
/// (the store's reply is scrubbed of the secrets the request carried).
public typealias S3SinkError = ForwarderError<S3SinkFailure>

/// What an ``S3SinkError`` knows besides its code and message.
public struct S3SinkFailure: ErrorDomain {
    /// The HTTP status, when the store answered.
    public var status: Int?
    /// The store's error code (`NoSuchBucket`, `AccessDenied`, …), when it sent one.
    public var storeCode: String?

    /// Whether the same request can succeed later without anyone changing anything. The sink
    /// retries the others too (an operator may fix a policy while it waits), reporting unhealthy.
    public static func isRetryable(_ error: S3SinkError) -> Bool {
        error.code == .transport || error.code == .unavailable
    }

    public static func describe(_ error: S3SinkError) -> String {
        var text = "\(error.code)"
        if let status = error.status { text += " (HTTP \(status)" + (error.storeCode.map { " \($0)" } ?? "") + ")" }
        return text + ": \(error.message)"
    }
}

extension S3SinkError {
    init(_ code: Code, _ message: String, status: Int? = nil, storeCode: String? = nil) {
        self.init(code: code, message: message, context: S3SinkFailure(status: status, storeCode: storeCode))
    }
}

extension S3SinkError.Code {
    /// No reply: connection refused or reset, TLS failure, timeout. Retried.
    public static var transport: Self { Self("transport") }
    /// The store is overloaded or failing (500, 503 SlowDown, 429). Retried.
    public static var unavailable: Self { Self("unavailable") }
    /// Credentials missing, expired or refused (403 AccessDenied, InvalidAccessKeyId,
    /// SignatureDoesNotMatch, ExpiredToken). Retried with backoff while the sink is unhealthy.
    public static var credentials: Self { Self("credentials") }
    /// The store refused the request itself (no such bucket, wrong region, Object Lock not
    /// enabled on the bucket). Retried with backoff while the sink is unhealthy.
    public static var rejected: Self { Self("rejected") }
    /// The local spool could not be read or written.
    public static var spool: Self { Self("spool") }
}
