import ComplianceAPI
import Logging

/// Where a sink's credentials come from, chosen once by ``AWSCredentialResolver``.
public enum AWSCredentialSource: Sendable, CustomStringConvertible {
    /// Keys from the environment or a shared file; used as they are.
    case fixed(AWSCredentials)
    /// STS `AssumeRoleWithWebIdentity`, refreshed before expiry.
    case webIdentity(AWSWebIdentityClient)
    /// The container credentials endpoint, refreshed before expiry.
    case container(AWSContainerCredentialsClient)

    public var description: String {
        switch self {
        case .fixed(let credentials): "\(credentials.source) (\(credentials.accessKeyID))"
        case .webIdentity(let client): "\(client)"
        case .container(let client): "\(client)"
        }
    }
}

/// Hands out current credentials: fixed ones as they are, temporary ones cached and fetched again
/// ``refreshMargin`` before they expire (or at half their lifetime when that is sooner).
///
/// Concurrent callers share one fetch: whoever needs credentials while a fetch is running waits
/// for it instead of starting another. When a refresh fails while the cached credentials are
/// still valid, they are used and the next call tries again; once they have expired, the
/// failure is thrown (retryable or not, see ``AWSCredentialsError/isRetryable``), and the caller
/// (the sink) keeps its data and backs off.
///
/// Call ``shutdown()`` when done: the provider owns the HTTP client it fetches with.
public actor AWSCredentialsProvider {
    /// How long before expiry temporary credentials are replaced.
    public static let refreshMargin: Duration = .seconds(300)

    public nonisolated let source: AWSCredentialSource
    private let transport: HTTPTransport
    private let now: @Sendable () -> RFC3339Timestamp
    private let logger: Logger
    private var cached: AWSCredentials?
    /// When ``cached`` is replaced; `nil` for credentials that do not expire.
    private var refreshAt: RFC3339Timestamp?
    private var fetching: Task<Result<AWSCredentials, AWSCredentialsError>, Never>?

    /// - Parameters:
    ///   - source: From ``AWSCredentialResolver/resolve()``.
    ///   - timeout: Time allowed for one call to STS or the container endpoint.
    ///   - logger: Where refreshes and failures are reported (never with a secret).
    ///   - now: The wall clock that expiry times are compared with (tests move it).
    public init(
        source: AWSCredentialSource,
        timeout: Duration = .seconds(10),
        logger: Logger,
        now: @escaping @Sendable () -> RFC3339Timestamp = { .now }
    ) {
        self.source = source
        self.transport = HTTPTransport(tls: .makeClientConfiguration(), timeout: timeout, dnsOverride: [:])
        self.logger = logger
        self.now = now
        if case .fixed(let credentials) = source { cached = credentials }
    }

    /// Closes the HTTP client.
    public func shutdown() async {
        await transport.shutdown()
    }

    /// Credentials valid now, fetched when the cached ones are missing or due for refresh.
    public func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        let current = now()
        if let cached, refreshAt.map({ current < $0 }) ?? true { return cached }
        let result: Result<AWSCredentials, AWSCredentialsError>
        if let fetching {
            result = await fetching.value
        } else {
            let task = Task { [source, transport] in await Self.fetch(source, transport: transport, now: current) }
            fetching = task
            result = await task.value
            fetching = nil
            record(result, fetchedAt: current)
        }
        switch result {
        case .success(let credentials):
            return credentials
        case .failure(let error):
            if let cached, let expiration = cached.expiration, now() < expiration { return cached }
            throw error
        }
    }

    private func record(_ result: Result<AWSCredentials, AWSCredentialsError>, fetchedAt: RFC3339Timestamp) {
        switch result {
        case .success(let credentials):
            cached = credentials
            refreshAt = credentials.expiration.map { Self.refreshTime(fetchedAt: fetchedAt, expiration: $0) }
            logger.info(
                "AWS credentials fetched",
                metadata: [
                    "aws_credentials_source": "\(credentials.source)",
                    "aws_access_key_id": "\(credentials.accessKeyID)",
                    "aws_credentials_expire": "\(credentials.expiration?.formatted(fractionDigits: 0) ?? "never")",
                ]
            )
        case .failure(let error):
            let stillValid = cached?.expiration.map { now() < $0 } ?? false
            logger.warning(
                "AWS credentials could not be fetched",
                metadata: [
                    "error": "\(error)", "retryable": "\(error.isRetryable)",
                    "using_cached_until_expiry": "\(stillValid)",
                ]
            )
        }
    }

    /// ``refreshMargin`` before `expiration`, or half-way through the lifetime when that is sooner
    /// (short-lived test roles), but never before `fetchedAt`.
    static func refreshTime(fetchedAt: RFC3339Timestamp, expiration: RFC3339Timestamp) -> RFC3339Timestamp {
        let lifetime = expiration.duration(since: fetchedAt)
        guard lifetime > .zero else { return fetchedAt }
        return expiration.adding(.zero - min(refreshMargin, lifetime / 2))
    }

    private static func fetch(
        _ source: AWSCredentialSource,
        transport: HTTPTransport,
        now: RFC3339Timestamp
    ) async -> Result<AWSCredentials, AWSCredentialsError> {
        do throws(AWSCredentialsError) {
            switch source {
            case .fixed(let credentials): return .success(credentials)
            case .webIdentity(let client): return .success(try await client.fetch(using: transport, now: now))
            case .container(let client): return .success(try await client.fetch(using: transport))
            }
        } catch {
            return .failure(error)
        }
    }
}
