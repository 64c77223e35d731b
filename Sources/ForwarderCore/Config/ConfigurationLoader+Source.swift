import ComplianceAPI

extension ConfigurationLoader {
    static let sourceKeys = [
        "base_url", "api_key", "api_key_file", "anthropic_version", "start", "page_size", "poll_interval",
        "lookback", "activity_types", "exclude_activity_types", "organization_ids", "actor_ids",
        "drop_self_generated", "request_timeout", "budget", "retry",
    ]

    /// `source` (one) or `sources` (a list of named ones), exactly one of the two.
    static func readSources(_ root: ConfigurationMapping) -> [ForwarderConfiguration.Source]? {
        if root.has("source"), root.has("sources") {
            root.error("sources", "source and sources are mutually exclusive: use sources for several")
            return nil
        }
        guard let items = root.sequence("sources") else {
            guard root.has("source") else {
                root.missing("source", "the Compliance API endpoint and key")
                return nil
            }
            guard let source = root.mapping("source", allowedKeys: sourceKeys) else { return nil }
            return readSource(source).map { [$0] }
        }
        if items.isEmpty {
            root.error("sources", "must list at least one source")
            return nil
        }
        var sources: [ForwarderConfiguration.Source] = []
        var firstUse: [String: String] = [:]
        var failed = false
        for item in items {
            guard
                let mapping = ConfigurationMapping(
                    item.node,
                    path: item.path,
                    context: root.context,
                    allowedKeys: sourceKeys + ["name"]
                )
            else {
                failed = true
                continue
            }
            let name = readSourceName(mapping)
            if let name, let previous = firstUse[name] {
                mapping.error(
                    "name",
                    "duplicate source name '\(name)' (also used by \(previous)); names must be unique"
                )
                failed = true
            } else if let name {
                firstUse[name] = item.path
            }
            guard var source = readSource(mapping), let name else {
                failed = true
                continue
            }
            source.name = name
            sources.append(source)
        }
        return failed ? nil : sources
    }

    /// Lower-case letters, digits, `_`, `.` and `-`, at most 64: it goes into events, file names
    /// and database keys as written, so it needs no escaping anywhere.
    private static func readSourceName(_ source: ConfigurationMapping) -> String? {
        guard source.has("name") else {
            source.missing("name", "each source in sources needs a name, e.g. org-eu")
            return nil
        }
        guard let name = source.string("name") else { return nil }
        let allowed = name.utf8.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_")
                || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
        guard allowed, (1...64).contains(name.utf8.count), name.first != ".", name.first != "-" else {
            source.error("name", "must be 1-64 lower-case letters, digits, '_', '.' or '-', got \"\(name)\"")
            return nil
        }
        return name
    }

    static func readSource(_ source: ConfigurationMapping) -> ForwarderConfiguration.Source? {
        let defaults = ForwarderConfiguration.Source(apiKey: APIKey(""))

        let baseURL = source.httpURL("base_url", allowQuery: false, secretsAttached: true) ?? defaults.baseURL
        let apiKey = source.secret("api_key", fileKey: "api_key_file", required: true, rule: .token).map(APIKey.init)
        if let apiKey, !["sk-ant-api01", "sk-ant-admin01"].contains(ForwarderConfiguration.keyFamily(of: apiKey)) {
            source.warning(
                source.has("api_key") ? "api_key" : "api_key_file",
                "the key is not a Compliance Access Key (sk-ant-api01-…) or an Admin API key (sk-ant-admin01-…); "
                    + "the activity feed answers 404 to other keys"
            )
        }
        var anthropicVersion = defaults.anthropicVersion
        if let version = source.scalar("anthropic_version") {
            // An explicitly empty value omits the header, for endpoints that reject it.
            anthropicVersion = version.text.isEmpty ? nil : version.text
        }
        let start = readStart(source) ?? defaults.start
        let pageSize = source.int("page_size", default: defaults.pageSize, range: 1...ActivityQuery.maximumLimit)
        let pollInterval = source.duration("poll_interval", default: defaults.pollInterval, positive: true)
        let lookback = source.duration("lookback", default: defaults.lookback)
        if source.has("lookback") {
            if lookback == .zero {
                source.warning(
                    "lookback",
                    "0 turns the overlap pass off: activities that become visible late will be missed"
                )
            } else if lookback < .seconds(120) {
                source.warning(
                    "lookback",
                    "activities can become visible about a minute late; a lookback under 2m misses some"
                )
            }
        }
        let activityTypeValues = source.scalarList("activity_types")
        let excludeActivityTypeValues = source.scalarList("exclude_activity_types")
        let activityTypes = activityTypeValues.map(\.text)
        let excludeActivityTypes = excludeActivityTypeValues.map(\.text)
        if !activityTypes.isEmpty, !excludeActivityTypes.isEmpty {
            source.error(
                "exclude_activity_types",
                "activity_types and exclude_activity_types are mutually exclusive: set one"
            )
        }
        warnAboutUnknownTypes(source, activityTypeValues)
        warnAboutUnknownTypes(source, excludeActivityTypeValues)
        let organizationIDs = source.stringList("organization_ids")
        let actorIDs = source.stringList("actor_ids")
        if actorIDs.contains(where: { !$0.hasPrefix("user_") }) {
            source.warning("actor_ids", "the API only supports user_… actor ids today")
        }
        let dropSelfGenerated = source.bool("drop_self_generated", default: defaults.dropSelfGenerated)
        let requestTimeout = source.duration("request_timeout", default: defaults.requestTimeout, positive: true)
        let budget = readBudget(source) ?? defaults.budget
        let retry = readBackoff(source, "retry", default: defaults.retry)

        guard let apiKey else { return nil }
        return ForwarderConfiguration.Source(
            baseURL: baseURL,
            apiKey: apiKey,
            anthropicVersion: anthropicVersion,
            start: start,
            pageSize: pageSize,
            pollInterval: pollInterval,
            lookback: lookback,
            activityTypes: activityTypes,
            excludeActivityTypes: excludeActivityTypes,
            organizationIDs: organizationIDs,
            actorIDs: actorIDs,
            dropSelfGenerated: dropSelfGenerated,
            requestTimeout: requestTimeout,
            budget: budget,
            retry: retry
        )
    }

    private static func readStart(_ source: ConfigurationMapping) -> StartPosition? {
        guard let value = source.scalar("start") else { return nil }
        guard let start = StartPosition(parsing: value.text) else {
            source.error(
                "start",
                "expected an RFC 3339 date-time (2026-01-01T00:00:00Z), now, or a span before now (-7d, -12h), "
                    + "got \(value.quoted)"
            )
            return nil
        }
        return start
    }

    private static func readBudget(_ source: ConfigurationMapping) -> RateLimitBudget.Configuration? {
        guard let budget = source.mapping("budget", allowedKeys: ["max_requests_per_minute", "reserve_fraction"])
        else { return nil }
        let defaults = RateLimitBudget.Configuration()
        // 600/min is the whole organisation's budget (spec §8): asking for more can only starve
        // other tools and earn 429s.
        let maximum = budget.int(
            "max_requests_per_minute",
            default: defaults.maximumRequestsPerMinute,
            range: 1...600
        )
        let reserve = budget.double("reserve_fraction", default: defaults.reserveFraction, range: 0..<1)
        return RateLimitBudget.Configuration(maximumRequestsPerMinute: maximum, reserveFraction: reserve)
    }

    private static func warnAboutUnknownTypes(_ source: ConfigurationMapping, _ values: [ConfigurationScalar]) {
        let known = ActivityMappingTable.knownTypes
        for value in values where !known.contains(value.text) {
            // A warning, not an error: the API adds types without notice, and this list may be older.
            let suggestion = value.substituted ? "" : Suggestion.didYouMean(value.text, in: known)
            source.diagnostics.warning(
                value.path,
                "\(value.quoted) is not a known activity type\(suggestion); the API rejects types it does not know",
                line: value.line
            )
        }
    }

    static func readBackoff(
        _ mapping: ConfigurationMapping,
        _ key: String,
        default defaults: ForwarderConfiguration.Backoff
    ) -> ForwarderConfiguration.Backoff {
        guard let backoff = mapping.mapping(key, allowedKeys: ["initial_backoff", "max_backoff"]) else {
            return defaults
        }
        let initial = backoff.duration("initial_backoff", default: defaults.initialBackoff, positive: true)
        var maximum = backoff.duration("max_backoff", default: defaults.maximumBackoff, positive: true)
        if maximum < initial {
            backoff.error(
                "max_backoff",
                "must be at least initial_backoff (\(ConfigurationSyntax.format(initial))), "
                    + "got \(ConfigurationSyntax.format(maximum))"
            )
            maximum = initial
        }
        return ForwarderConfiguration.Backoff(initialBackoff: initial, maximumBackoff: maximum)
    }
}
