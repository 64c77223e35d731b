extension ConfigurationLoader {
    typealias HTTPSink = ForwarderConfiguration.HTTPSink

    /// Keys that only make sense in some modes; using one elsewhere is almost always a
    /// copy-paste slip, so it is an error rather than silently ignored.
    private static let modeOnlyKeys: [(keys: [String], modes: [HTTPSink.Mode])] = [
        (["token", "token_file", "source", "sourcetype", "host", "ack"], [.splunkHEC]),
        (["api_key", "api_key_file"], [.elasticsearch]),
        (["body_format", "hmac"], [.webhook]),
        (["username", "password", "password_file"], [.webhook, .elasticsearch, .otlp]),
        (["index"], [.splunkHEC, .elasticsearch]),
        (azureMonitorKeys, [.azureMonitor]),
        (otlpKeys, [.otlp]),
    ]

    /// Headers the sink itself sets.
    private static let reservedHeaders = [
        "content-length", "content-type", "content-encoding", "host", "transfer-encoding",
    ]

    static func readHTTPSink(_ sink: ConfigurationMapping, format: ForwarderConfiguration.Sink.Format?) -> HTTPSink? {
        let mode = sink.choice("mode", default: HTTPSink.Mode.webhook)
        for rule in modeOnlyKeys where !rule.modes.contains(mode) {
            for key in rule.keys where sink.has(key) {
                let modes = rule.modes.map(\.name).joined(separator: " or ")
                sink.error(key, "only used with mode: \(modes) (this sink uses \(mode.name))")
            }
        }
        if mode == .elasticsearch, format == .cef {
            sink.error("format", "elasticsearch indexes JSON documents: use format ecs or raw")
        }
        if mode == .azureMonitor, format != nil {
            sink.error("format", "azure_monitor sends the rows of its table schema (docs/http-sinks.md); remove format")
        }
        if mode == .otlp, format != nil {
            sink.error(
                "format",
                "otlp sends OpenTelemetry log records with the original record as body (docs/http-sinks.md); remove format"
            )
        }

        let url = sink.url("url", allowQuery: true)
        if !sink.has("url") {
            sink.missing("url", "the endpoint, e.g. https://splunk.example.com:8088/services/collector/event")
        }
        if let url, mode == .splunkHEC, !url.text.contains("/services/collector") {
            sink.warning("url", "Splunk HEC URLs normally end in /services/collector/event")
        }

        let token =
            mode == .splunkHEC
            ? sink.secret("token", fileKey: "token_file", required: true, rule: .token).map(Secret.init) : nil
        let apiKey =
            mode == .elasticsearch
            ? sink.secret("api_key", fileKey: "api_key_file", required: false, rule: .token).map(Secret.init) : nil
        var username: String?
        var password: Secret?
        if mode != .splunkHEC {
            username = sink.string("username")
            password = sink.secret("password", fileKey: "password_file", required: false, rule: .text).map(Secret.init)
            if sink.has("username"), !(sink.has("password") || sink.has("password_file")) {
                sink.missing("password", "username is set, so basic authentication needs password or password_file")
            }
            if !sink.has("username"), sink.has("password") || sink.has("password_file") {
                sink.missing("username", "a password is set, so basic authentication needs a username")
            }
            if sink.has("username"), sink.has("api_key") || sink.has("api_key_file") {
                sink.error("username", "api_key and username/password are mutually exclusive: set one")
            }
        }
        let azureMonitor = mode == .azureMonitor ? readAzureMonitor(sink) : nil
        let otlp = mode == .otlp ? readOTLP(sink) : nil
        let sendsCredentials =
            token != nil || apiKey != nil || password != nil || sink.has("headers") || mode == .azureMonitor
        if let url, sendsCredentials, !url.isHTTPS, !url.isLoopback {
            sink.warning("url", "credentials would be sent unencrypted over http://; use https://")
        }

        let index = mode == .webhook ? nil : sink.string("index")
        let source = mode == .splunkHEC ? sink.string("source") : nil
        let sourcetype = mode == .splunkHEC ? sink.string("sourcetype") : nil
        let host = mode == .splunkHEC ? sink.string("host") : nil
        let headers = readHeaders(
            sink,
            authorizationSet: token != nil || apiKey != nil || username != nil || mode == .azureMonitor
        )
        let bodyFormat = sink.choice("body_format", default: HTTPSink.BodyFormat.ndjson)
        let hmac = mode == .webhook ? readHMAC(sink) : nil
        let gzip = sink.bool("gzip", default: false)
        let timeout = sink.duration("timeout", default: .seconds(30), positive: true)
        if sink.has("tls"), let url, !url.isHTTPS {
            sink.error("tls", "only used with https:// URLs")
        }
        let tls = readTLS(sink)
        let ack = mode == .splunkHEC ? readAcknowledgement(sink) : HTTPSink.Acknowledgement()
        let retry = readBackoff(sink, "retry", default: ForwarderConfiguration.Backoff())
        let maximumInFlight = sink.int("max_in_flight", default: HTTPSink.defaultMaximumInFlight, range: 1...16)
        let archiveAnchors = sink.bool("archive_anchors", default: mode != .azureMonitor)
        if mode == .azureMonitor, archiveAnchors {
            sink.error(
                "archive_anchors",
                "azure_monitor sends the rows of its table schema, which has no place for archive anchors"
            )
        }

        guard let url else { return nil }
        if mode == .splunkHEC, token == nil { return nil }
        if mode == .azureMonitor, azureMonitor == nil { return nil }
        return HTTPSink(
            mode: mode,
            url: url.text,
            token: token,
            apiKey: apiKey,
            username: username,
            password: password,
            index: index,
            source: source,
            sourcetype: sourcetype,
            host: host,
            headers: headers,
            bodyFormat: bodyFormat,
            hmac: hmac,
            gzip: gzip,
            timeout: timeout,
            tls: tls,
            ack: ack,
            retry: retry,
            maximumInFlight: maximumInFlight,
            azureMonitor: azureMonitor,
            otlp: otlp,
            archiveAnchors: archiveAnchors
        )
    }

    private static func readHeaders(_ sink: ConfigurationMapping, authorizationSet: Bool) -> [String: Secret] {
        var headers: [String: Secret] = [:]
        var seen: Set<String> = []
        for (name, value) in sink.stringMap("headers") {
            let path = value.path
            let lowercased = name.lowercased()
            if !isHeaderName(name) {
                sink.diagnostics.error(path, "not a valid HTTP header name", line: value.line)
            } else if reservedHeaders.contains(lowercased) {
                sink.diagnostics.error(path, "\(name) is set by the sink and cannot be overridden", line: value.line)
            } else if lowercased == "authorization", authorizationSet {
                sink.diagnostics.error(
                    path,
                    "conflicts with the credentials configured for this sink (token, api_key, username or the Entra ID token)",
                    line: value.line
                )
            } else if !seen.insert(lowercased).inserted {
                sink.diagnostics.error(
                    path,
                    "header names are case-insensitive: \(name) is set twice",
                    line: value.line
                )
            } else if value.text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
                sink.diagnostics.error(
                    path,
                    "value must not contain line breaks or control characters",
                    line: value.line
                )
            } else {
                headers[name] = Secret(value.text)
            }
        }
        return headers
    }

    private static func readHMAC(_ sink: ConfigurationMapping) -> HTTPSink.HMAC? {
        guard let hmac = sink.mapping("hmac", allowedKeys: ["secret", "secret_file", "header"]) else { return nil }
        let header = hmac.string("header", default: "X-Signature")
        if !isHeaderName(header) {
            hmac.error("header", "not a valid HTTP header name")
        }
        guard let secret = hmac.secret("secret", fileKey: "secret_file", required: true, rule: .any) else { return nil }
        return HTTPSink.HMAC(secret: Secret(secret), header: header)
    }

    private static func readAcknowledgement(_ sink: ConfigurationMapping) -> HTTPSink.Acknowledgement {
        let defaults = HTTPSink.Acknowledgement()
        guard let ack = sink.mapping("ack", allowedKeys: ["enabled", "channel", "timeout", "poll_interval"]) else {
            return defaults
        }
        let channel = ack.string("channel")
        if let channel, !isGUID(channel) {
            ack.error("channel", "expected a GUID such as 0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba, got '\(channel)'")
        }
        return HTTPSink.Acknowledgement(
            isEnabled: ack.bool("enabled", default: defaults.isEnabled),
            channel: channel,
            timeout: ack.duration("timeout", default: defaults.timeout, positive: true),
            pollInterval: ack.duration("poll_interval", default: defaults.pollInterval, positive: true)
        )
    }

    /// RFC 9110 `token`.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
            }
    }

    static func isGUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
