import AsyncHTTPClient
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Synchronization

/// A client for the Compliance API activity feed (`GET /v1/compliance/activities`).
///
/// It sends `x-api-key` and `anthropic-version` on every request, paces itself under the
/// organisation's shared rate budget, and retries what can be retried (see ``RetryPolicy``).
///
/// ```swift
/// let client = ComplianceClient(configuration: .init(apiKey: APIKey(key)))
/// for try await activity in client.activities.iter(activityTypes: ["sso_login_failed"]) {
///     print(activity.id, activity.createdAt, activity.actor.ipAddress ?? "-")
/// }
/// ```
public final class ComplianceClient: Sendable {
    /// The version of this library, sent in the `User-Agent`.
    public static let version = "0.1.0"

    public struct Configuration: Sendable {
        /// Scheme, host and optional port; `/v1/compliance/activities` is appended.
        public var baseURL: String
        public var apiKey: APIKey
        /// The `anthropic-version` header; `nil` omits it.
        public var anthropicVersion: String?
        public var userAgent: String
        /// Time allowed for one request, including reading the body.
        public var requestTimeout: Duration
        /// The largest response body accepted.
        public var maximumResponseBytes: Int
        public var retry: RetryPolicy
        public var budget: RateLimitBudget.Configuration

        /// - Parameters:
        ///   - baseURL: Defaults to `https://api.anthropic.com`.
        ///   - apiKey: A Compliance Access Key or an Admin API key with `read:compliance_activities`.
        ///   - anthropicVersion: Defaults to `2023-06-01`.
        ///   - userAgent: Defaults to `compliance-forwarder/<version> (Swift)`.
        ///   - requestTimeout: Defaults to 60 s.
        ///   - maximumResponseBytes: Defaults to 256 MiB (a 5000-record page is a few MiB).
        ///   - retry: Defaults to ``RetryPolicy/init(initialBackoff:maximumBackoff:jitter:maximumRetries:)``.
        ///   - budget: Defaults to at most 300 requests/min and half the budget kept free.
        public init(
            baseURL: String = "https://api.anthropic.com",
            apiKey: APIKey,
            anthropicVersion: String? = "2023-06-01",
            userAgent: String = "compliance-forwarder/\(ComplianceClient.version) (Swift)",
            requestTimeout: Duration = .seconds(60),
            maximumResponseBytes: Int = 256 * 1024 * 1024,
            retry: RetryPolicy = RetryPolicy(),
            budget: RateLimitBudget.Configuration = .init()
        ) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.anthropicVersion = anthropicVersion
            self.userAgent = userAgent
            self.requestTimeout = requestTimeout
            self.maximumResponseBytes = maximumResponseBytes
            self.retry = retry
            self.budget = budget
        }
    }

    public let configuration: Configuration
    private let httpClient: HTTPClient
    private let clock: any APIClock
    private let logger: Logger
    private let budget: Mutex<RateLimitBudget>
    private let requestCounter = Mutex<[Int: Counter]>([:])
    private let remainingGauge = Gauge(label: "compliance_forwarder_api_ratelimit_remaining")
    private let limitGauge = Gauge(label: "compliance_forwarder_api_ratelimit_limit")
    private let retryCounter = Counter(label: "compliance_forwarder_api_retries_total")
    private let status = Mutex(RequestStatus())
    private let apiKeyOverride = Mutex<APIKey?>(nil)

    /// The activity feed, with the same surface as the community Python SDK's `client.activities`.
    public var activities: Activities { Activities(client: self) }

    /// - Parameters:
    ///   - configuration: Key, endpoint, retry and budget settings.
    ///   - httpClient: Defaults to the shared AsyncHTTPClient.
    ///   - clock: Defaults to the system clock; tests inject a virtual one.
    ///   - logger: Where request-level logs go (the key is never logged).
    public init(
        configuration: Configuration,
        httpClient: HTTPClient = .shared,
        clock: any APIClock = SystemAPIClock(),
        logger: Logger = Logger(label: "ComplianceAPI")
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        self.logger = logger
        self.budget = Mutex(RateLimitBudget(configuration: configuration.budget))
    }

    /// The latest rate-limit headers seen.
    public var lastRateLimit: RateLimitSnapshot? {
        budget.withLock { $0.lastSnapshot }
    }

    /// How the latest requests ended (for a readiness probe).
    public var requestStatus: RequestStatus { status.withLock { $0 } }

    /// The key sent from now on; replaces ``Configuration/apiKey`` (a rotated `api_key_file`).
    public func replaceAPIKey(_ key: APIKey) {
        apiKeyOverride.withLock { $0 = key }
    }

    /// Fetches one page, waiting for the budget and retrying per ``Configuration/retry``.
    ///
    /// - Throws: ``ComplianceAPIError`` when the request fails for good, or `CancellationError`.
    public func fetchPage(_ query: ActivityQuery) async throws -> CursorPage<Activity> {
        try query.validate()
        var retry = 0
        var generator = SystemRandomNumberGenerator()
        while true {
            do {
                return try await fetchPageOnce(query)
            } catch let error as ComplianceAPIError {
                retry += 1
                guard let delay = configuration.retry.delay(after: error, retry: retry, using: &generator) else {
                    throw error
                }
                retryCounter.increment()
                logger.warning(
                    "retrying Compliance API request",
                    metadata: [
                        "error": "\(error)", "retry": "\(retry)", "delay_ms": "\(delay.milliseconds)",
                    ]
                )
                try await clock.sleep(for: delay)
            }
        }
    }

    /// Sends one request without retrying (still waiting for the rate budget first).
    ///
    /// - Throws: ``ComplianceAPIError`` or `CancellationError`.
    public func fetchPageOnce(_ query: ActivityQuery) async throws -> CursorPage<Activity> {
        try query.validate()
        try await waitForBudget()
        do {
            let page = try await send(query)
            let now = clock.now
            status.withLock { $0 = RequestStatus(lastSuccess: now, lastFailure: nil) }
            return page
        } catch let error as ComplianceAPIError {
            status.withLock { $0.lastFailure = error }
            throw error
        }
    }

    private func send(_ query: ActivityQuery) async throws -> CursorPage<Activity> {
        let url = activitiesURL(query)
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let apiKey = apiKeyOverride.withLock { $0 } ?? configuration.apiKey
        apiKey.withValue { request.headers.add(name: "x-api-key", value: $0) }
        if let version = configuration.anthropicVersion {
            request.headers.add(name: "anthropic-version", value: version)
        }
        request.headers.add(name: "user-agent", value: configuration.userAgent)
        request.headers.add(name: "accept", value: "application/json")

        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await httpClient.execute(
                request,
                timeout: .nanoseconds(configuration.requestTimeout.nanoseconds)
            )
            body = try await response.body.collect(upTo: configuration.maximumResponseBytes)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            count(status: 0)
            throw ComplianceAPIError(code: .transport, message: "request to \(configuration.baseURL) failed: \(error)")
        }
        count(status: Int(response.status.code))
        let requestID = response.headers.first(name: "request-id") ?? response.headers.first(name: "x-request-id")
        let snapshot = Self.rateLimitSnapshot(response.headers)
        if let snapshot {
            let now = clock.now
            budget.withLock { $0.observe(snapshot, at: now) }
            remainingGauge.record(snapshot.remaining)
            limitGauge.record(snapshot.limit)
        }
        let bytes = Array(buffer: body)
        guard response.status == .ok else {
            throw Self.apiError(
                status: Int(response.status.code),
                headers: response.headers,
                body: bytes,
                now: clock.now
            )
        }
        var page = try CursorPage<Activity>.decode(bytes)
        page.requestID = requestID
        page.rateLimit = snapshot
        for invalid in page.invalidRecords {
            logger.warning("invalid record in page", metadata: ["reason": "\(invalid.reason)"])
        }
        logger.debug(
            "fetched page",
            metadata: [
                "count": "\(page.data.count)", "has_more": "\(page.hasMore)", "request_id": "\(requestID ?? "-")",
            ]
        )
        return page
    }

    private func waitForBudget() async throws {
        while true {
            let now = clock.now
            let delay = budget.withLock { budget -> Duration in
                let delay = budget.delayBeforeNextRequest(now: now)
                if delay == .zero { budget.recordRequest(at: now) }
                return delay
            }
            if delay == .zero { return }
            logger.info("waiting for the rate budget", metadata: ["delay_ms": "\(delay.milliseconds)"])
            try await clock.sleep(for: delay)
        }
    }

    private func activitiesURL(_ query: ActivityQuery) -> String {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        let encoded = query.percentEncodedQuery
        return base + "/v1/compliance/activities" + (encoded.isEmpty ? "" : "?" + encoded)
    }

    private func count(status: Int) {
        let counter = requestCounter.withLock { counters in
            if let counter = counters[status] { return counter }
            let counter = Counter(
                label: "compliance_forwarder_api_requests_total",
                dimensions: [("status", String(status))]
            )
            counters[status] = counter
            return counter
        }
        counter.increment()
    }

    static func rateLimitSnapshot(_ headers: HTTPHeaders) -> RateLimitSnapshot? {
        guard let limit = headers.first(name: "anthropic-ratelimit-requests-limit").flatMap({ Int($0) }),
            let remaining = headers.first(name: "anthropic-ratelimit-requests-remaining").flatMap({ Int($0) })
        else { return nil }
        let reset = headers.first(name: "anthropic-ratelimit-requests-reset").flatMap { RFC3339Timestamp($0) }
        return RateLimitSnapshot(limit: limit, remaining: remaining, reset: reset)
    }

    static func apiError(status: Int, headers: HTTPHeaders, body: [UInt8], now: RFC3339Timestamp) -> ComplianceAPIError
    {
        var errorType: String?
        var message: String?
        if let value = try? JSONParser.parse(body), let object = value.objectValue {
            if let error = object["error"]?.objectValue {
                errorType = error.string("type")
                message = error.string("message")
            }
        }
        let requestID = headers.first(name: "request-id") ?? headers.first(name: "x-request-id")
        let shouldRetry = headers.first(name: "x-should-retry").map { $0.lowercased() == "true" }
        return ComplianceAPIError(
            code: ComplianceAPIError.code(forStatus: status),
            status: status,
            errorType: errorType,
            message: message ?? "HTTP \(status) with no error body",
            requestID: requestID,
            retryAfter: headers.first(name: "retry-after").flatMap { RetryAfter.parse($0, now: now) },
            shouldRetry: shouldRetry
        )
    }
}

extension Duration {
    /// Whole milliseconds, for logs.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmedWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
