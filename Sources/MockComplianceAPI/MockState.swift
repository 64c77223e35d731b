import ComplianceAPI

/// Everything the mock decides per request, as a value with no I/O: which fault to serve, whether
/// the key is accepted, the rate-limit window, which records a query selects and how they render.
struct MockState: Sendable {
    let configuration: MockComplianceAPI.Configuration
    /// Replaces `configuration.apiKey` once set (key rotation tests).
    var acceptedAPIKeys: Set<String>?
    let generator: ActivityGenerator
    var store: ActivityStore
    var typeNames: [String]
    var typeIndexes: [String: Int]
    var queuedFaults: [MockFault] = []
    var faultRandom: SplitMix64
    var liveRandom: SplitMix64
    var nextLiveAt: Int64
    var windowStart: Int64?
    var windowCount = 0
    var requestSerial: UInt64 = 0
    var statusCounts: [Int: Int] = [:]
    /// When each request arrived (clock time), for budget assertions.
    var requestTimes: [RFC3339Timestamp] = []
    /// The `x-api-key` of each request, in the same order (which process asked, in tests that
    /// give each replica its own key).
    var requestKeys: [String?] = []
    var liveStopped = false
    var recordsServed = 0
    /// Filled only when ``MockComplianceAPI/Configuration/prerendersRecords`` is set.
    var rendered = RenderedRecords()

    /// What to do with one request.
    enum Reply: Sendable {
        case response(status: Int, headers: [(String, String)], body: [UInt8], delay: Duration?)
        case reset
    }

    init(configuration: MockComplianceAPI.Configuration, now: RFC3339Timestamp) {
        self.configuration = configuration
        generator = ActivityGenerator()
        store = ActivityStore(seed: configuration.seed)
        typeNames = generator.types
        typeIndexes = Dictionary(typeNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        faultRandom = SplitMix64(seed: configuration.seed ^ 0xFA17)
        liveRandom = SplitMix64(seed: configuration.seed ^ 0x11FE)
        nextLiveAt = now.nanosecondsSinceEpoch
        seedBacklog(now: now)
        renderNewRecords()
    }

    /// Renders the records added since the last call, when the configuration keeps them rendered.
    mutating func renderNewRecords() {
        guard configuration.prerendersRecords, rendered.count < store.count else { return }
        // Moved out (not copied) while `render` reads the rest of the state.
        var cache = rendered
        rendered = RenderedRecords()
        while cache.count < store.count {
            let record = store.records[cache.count]
            cache.append { render(record, into: &$0) }
        }
        rendered = cache
    }

    private mutating func seedBacklog(now: RFC3339Timestamp) {
        let count = configuration.backlog
        guard count > 0 else { return }
        let end = (configuration.backlogEnd ?? now.adding(.seconds(-120))).nanosecondsSinceEpoch
        let span = configuration.backlogSpan.nanosecondsValue
        let start = end - span
        var random = SplitMix64(seed: configuration.seed)
        let step = max(span / Int64(count), 1)
        for index in 0..<count {
            // Millisecond timestamps, so dense backlogs have ties that the id must break.
            let created = (start + Int64(index) * step) / 1_000_000 * 1_000_000
            appendGenerated(createdAt: created, visibleAt: created, random: &random)
        }
    }

    mutating func appendGenerated(createdAt: Int64, visibleAt: Int64, random: inout SplitMix64) {
        let seed = random.next()
        let typeIndex: Int
        if seed % 2 == 0 {
            typeIndex = typeIndexes[Self.commonTypes[Int(seed >> 8 % UInt64(Self.commonTypes.count))]] ?? 0
        } else {
            typeIndex = Int((seed >> 16) % UInt64(generator.types.count))
        }
        let actor = ActivityGenerator.actorKind(for: typeNames[typeIndex], roll: seed >> 24)
        let actorIndex = MockSpec.actorKinds.firstIndex(of: actor) ?? 0
        let omitID =
            configuration.recordsWithoutIDEvery > 0
            && store.count % configuration.recordsWithoutIDEvery == configuration.recordsWithoutIDEvery - 1
        store.append(
            createdAt: createdAt,
            visibleAt: visibleAt,
            typeIndex: typeIndex,
            actor: actorIndex,
            seed: seed,
            omitID: omitID
        )
    }

    static let commonTypes = [
        "claude_chat_viewed", "claude_chat_created", "claude_chat_updated", "claude_project_viewed",
        "claude_file_uploaded", "sso_login_succeeded", "compliance_api_accessed",
    ]

    /// Generates the live records due by `now`.
    mutating func catchUp(now: Int64) {
        guard configuration.liveRate > 0, !liveStopped else { return }
        let interval = Int64(1_000_000_000 / configuration.liveRate)
        var random = liveRandom
        while nextLiveAt <= now {
            let late = Double(random.next() % 10_000) / 10_000 < configuration.lateFraction
            let maxDelay =
                late ? configuration.maximumLateness.nanosecondsValue : configuration.ingestionDelay.nanosecondsValue
            let minDelay = late ? min(maxDelay, 5_000_000_000) : 0
            let delay = minDelay + Int64(random.next() % UInt64(max(maxDelay - minDelay, 1)))
            let created = nextLiveAt / 1_000_000 * 1_000_000
            appendGenerated(createdAt: created, visibleAt: created + delay, random: &random)
            nextLiveAt += max(interval, 1)
        }
        liveRandom = random
    }

    /// Answers one `GET` request.
    mutating func reply(path: String, query: String, apiKey: String?, now: RFC3339Timestamp) -> Reply {
        requestSerial += 1
        requestTimes.append(now)
        requestKeys.append(apiKey)
        renderNewRecords()
        let requestID = "req_mock_\(configuration.seed)_\(requestSerial)"
        let reply = decide(path: path, query: query, apiKey: apiKey, now: now, requestID: requestID)
        if case .response(let status, _, _, _) = reply {
            statusCounts[status, default: 0] += 1
        } else {
            statusCounts[0, default: 0] += 1
        }
        return reply
    }

    private mutating func decide(
        path: String,
        query: String,
        apiKey: String?,
        now: RFC3339Timestamp,
        requestID: String
    ) -> Reply {
        var fault: MockFault?
        if !queuedFaults.isEmpty {
            fault = queuedFaults.removeFirst()
        } else if configuration.faultRate > 0, !configuration.randomFaults.isEmpty,
            Double(faultRandom.next() % 1_000_000) / 1_000_000 < configuration.faultRate
        {
            fault = configuration.randomFaults[Int(faultRandom.next() % UInt64(configuration.randomFaults.count))]
        }
        var delay: Duration?
        switch fault?.kind {
        case .status(let code, let type, let message, let retryAfter, let shouldRetry):
            var error = MockAPIError(status: code, type: type, message: message)
            if let retryAfter { error.headers.append(("retry-after", String(retryAfter))) }
            if let shouldRetry { error.headers.append(("x-should-retry", shouldRetry ? "true" : "false")) }
            return errorReply(error, requestID: requestID, rateHeaders: [])
        case .reset:
            return .reset
        case .slow(let duration):
            delay = duration
        case .malformedBody:
            return .response(
                status: 200,
                headers: [("content-type", "application/json"), ("request-id", requestID)],
                body: Array(#"{"data":[{"id":"activity_01"#.utf8),
                delay: nil
            )
        case nil:
            break
        }

        guard path == "/v1/compliance/activities" else {
            return errorReply(.notFound, requestID: requestID, rateHeaders: [])
        }
        // A missing or foreign key is a 404 before the limiter, exactly like the real API.
        let accepted = acceptedAPIKeys ?? configuration.apiKey.map { [$0] }
        guard let apiKey, !apiKey.isEmpty, accepted?.contains(apiKey) ?? true else {
            return errorReply(.notFound, requestID: requestID, rateHeaders: [])
        }
        let nowNanos = now.nanosecondsSinceEpoch
        if let start = windowStart, nowNanos - start < 60_000_000_000 {
            windowCount += 1
        } else {
            windowStart = nowNanos
            windowCount = 1
        }
        let resetAt = RFC3339Timestamp(nanosecondsSinceEpoch: (windowStart ?? nowNanos) + 60_000_000_000)
        let limit = configuration.rateLimitPerMinute
        let remaining = max(limit - windowCount, 0)
        var rateHeaders = [
            ("anthropic-ratelimit-requests-limit", String(limit)),
            ("anthropic-ratelimit-requests-remaining", String(remaining)),
            ("anthropic-ratelimit-requests-reset", resetAt.formatted(fractionDigits: 0)),
        ]
        if windowCount > limit {
            let wait = max(1, (resetAt.nanosecondsSinceEpoch - nowNanos + 999_999_999) / 1_000_000_000)
            rateHeaders.append(("retry-after", String(wait)))
            let error = MockAPIError(
                status: 429,
                type: "rate_limit_error",
                message: "Number of requests has exceeded your rate limit. Please try again later."
            )
            return errorReply(error, requestID: requestID, rateHeaders: rateHeaders)
        }

        catchUp(now: nowNanos)
        let parsed: MockQuery
        do {
            parsed = try MockQuery.parse(query, knownTypes: Set(generator.types))
        } catch {
            recordAccess(status: 400, query: query, requestID: requestID, now: nowNanos)
            return errorReply(error, requestID: requestID, rateHeaders: rateHeaders)
        }
        let body: [UInt8]
        do {
            body = try page(parsed, now: nowNanos)
        } catch {
            recordAccess(status: error.status, query: query, requestID: requestID, now: nowNanos)
            return errorReply(error, requestID: requestID, rateHeaders: rateHeaders)
        }
        recordAccess(status: 200, query: query, requestID: requestID, now: nowNanos)
        return .response(
            status: 200,
            headers: [("content-type", "application/json"), ("request-id", requestID)] + rateHeaders,
            body: body,
            delay: delay
        )
    }

    /// Every API call is itself an activity, as in the real feed (DESIGN §3.6).
    private mutating func recordAccess(status: Int, query: String, requestID: String, now: Int64) {
        guard configuration.recordAccess, let typeIndex = typeIndexes["compliance_api_accessed"] else { return }
        var fields = JSONObject()
        fields["request_id"] = .string(requestID)
        fields["request_method"] = .string("GET")
        fields["status_code"] = .number(String(status))
        fields["url"] = .string(
            "https://api.anthropic.com/v1/compliance/activities" + (query.isEmpty ? "" : "?" + query)
        )
        let created = now / 1_000_000 * 1_000_000
        store.append(
            createdAt: created,
            visibleAt: created + configuration.ingestionDelay.nanosecondsValue / 2,
            typeIndex: typeIndex,
            actor: MockSpec.actorKinds.firstIndex(of: MockSpec.api) ?? 1,
            seed: configuration.seed ^ 0xACCE55,
            fields: fields
        )
    }

    private func errorReply(_ error: MockAPIError, requestID: String, rateHeaders: [(String, String)]) -> Reply {
        var writer = JSONWriter()
        writer.write(
            JSONValue.object([
                "type": .string("error"),
                "error": .object(["type": .string(error.type), "message": .string(error.message)]),
                "request_id": .string(requestID),
            ])
        )
        return .response(
            status: error.status,
            headers: [("content-type", "application/json"), ("request-id", requestID)] + rateHeaders + error.headers,
            body: writer.bytes,
            delay: nil
        )
    }
}

extension Duration {
    var nanosecondsValue: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
