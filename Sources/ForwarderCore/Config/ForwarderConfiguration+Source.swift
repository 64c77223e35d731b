public import ComplianceAPI

extension ForwarderConfiguration {
    /// `source`: the Compliance API endpoint, credentials, query filters and pacing.
    public struct Source: Sendable, Hashable {
        /// `name`, in `sources:` only: labels this source's events (ECS `labels.source`, CEF
        /// `deviceExternalId`), its log lines and its checkpoint. `nil` for the single `source:`,
        /// whose events stay as they were.
        public var name: String?
        /// `base_url`: scheme, host and optional port; `/v1/compliance/activities` is appended.
        public var baseURL: String
        /// `api_key` or `api_key_file`: a Compliance Access Key or an Admin API key.
        public var apiKey: APIKey
        /// `anthropic_version`: the `anthropic-version` header; `nil` omits it.
        public var anthropicVersion: String?
        /// `start`: where the first run begins.
        public var start: StartPosition
        /// `page_size`: records per request, 1…5000.
        public var pageSize: Int
        /// `poll_interval`: the wait between cursor passes once caught up.
        public var pollInterval: Duration
        /// `lookback`: how far back the overlap pass re-reads to catch late arrivals.
        public var lookback: Duration
        /// `activity_types`: only these types. Exclusive with ``excludeActivityTypes``.
        public var activityTypes: [String]
        /// `exclude_activity_types`: all but these types. Exclusive with ``activityTypes``.
        public var excludeActivityTypes: [String]
        /// `organization_ids`: only these organisations (`org_…` ids or UUIDs).
        public var organizationIDs: [String]
        /// `actor_ids`: only these actors (`user_…` ids).
        public var actorIDs: [String]
        /// `drop_self_generated`: drop the `compliance_api_accessed` records our own polling
        /// creates, instead of only tagging them.
        public var dropSelfGenerated: Bool
        /// `request_timeout`: time allowed for one request, body included.
        public var requestTimeout: Duration
        /// `budget`: this process's share of the organisation's request budget.
        public var budget: RateLimitBudget.Configuration
        /// `retry`: backoff between retries of a failed request (retried without limit: the
        /// cursor never advances past a failure).
        public var retry: Backoff

        /// - Parameters:
        ///   - baseURL: Defaults to `https://api.anthropic.com`.
        ///   - apiKey: The key; required.
        ///   - anthropicVersion: Defaults to `2023-06-01`.
        ///   - start: Defaults to ``StartPosition/now``.
        ///   - pageSize: Defaults to 5000, the API's maximum.
        ///   - pollInterval: Defaults to 30 s.
        ///   - lookback: Defaults to 10 min.
        ///   - activityTypes: Defaults to all types.
        ///   - excludeActivityTypes: Defaults to none.
        ///   - organizationIDs: Defaults to every organisation under the parent.
        ///   - actorIDs: Defaults to every actor.
        ///   - dropSelfGenerated: Defaults to `false` (tag, do not drop).
        ///   - requestTimeout: Defaults to 60 s.
        ///   - budget: Defaults to at most 300 requests/min with half the budget kept free.
        ///   - retry: Defaults to 1 s doubling to 60 s.
        ///   - name: The source's name in `sources:`; `nil` for a single `source:`.
        public init(
            baseURL: String = "https://api.anthropic.com",
            apiKey: APIKey,
            anthropicVersion: String? = "2023-06-01",
            start: StartPosition = .now,
            pageSize: Int = ActivityQuery.maximumLimit,
            pollInterval: Duration = .seconds(30),
            lookback: Duration = .seconds(600),
            activityTypes: [String] = [],
            excludeActivityTypes: [String] = [],
            organizationIDs: [String] = [],
            actorIDs: [String] = [],
            dropSelfGenerated: Bool = false,
            requestTimeout: Duration = .seconds(60),
            budget: RateLimitBudget.Configuration = .init(),
            retry: Backoff = Backoff(),
            name: String? = nil
        ) {
            self.name = name
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.anthropicVersion = anthropicVersion
            self.start = start
            self.pageSize = pageSize
            self.pollInterval = pollInterval
            self.lookback = lookback
            self.activityTypes = activityTypes
            self.excludeActivityTypes = excludeActivityTypes
            self.organizationIDs = organizationIDs
            self.actorIDs = actorIDs
            self.dropSelfGenerated = dropSelfGenerated
            self.requestTimeout = requestTimeout
            self.budget = budget
            self.retry = retry
        }

        /// The filters and page size every request carries (the one place they become a query);
        /// the poller adds order, cursors and time bounds.
        public var baseQuery: ActivityQuery {
            ActivityQuery(
                activityTypes: activityTypes,
                excludeActivityTypes: excludeActivityTypes,
                organizationIDs: organizationIDs,
                actorIDs: actorIDs,
                limit: pageSize
            )
        }

        /// The client settings this source implies. Retries never give up: a page that fails
        /// is retried with the same cursor until it succeeds or fails permanently.
        ///
        /// - Parameter userAgent: Overrides the client's default `User-Agent` when given.
        public func clientConfiguration(userAgent: String? = nil) -> ComplianceClient.Configuration {
            var configuration = ComplianceClient.Configuration(
                baseURL: baseURL,
                apiKey: apiKey,
                anthropicVersion: anthropicVersion,
                requestTimeout: requestTimeout,
                retry: retry.retryPolicy,
                budget: budget
            )
            if let userAgent { configuration.userAgent = userAgent }
            return configuration
        }
    }
}
