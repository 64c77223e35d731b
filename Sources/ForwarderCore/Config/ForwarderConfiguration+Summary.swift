public import ComplianceAPI
import Foundation

extension ForwarderConfiguration {
    /// A short human description for `validate` and startup logs: endpoints, key family, start,
    /// and one line per sink. Never contains a secret: keys show only their family, credentials
    /// only whether they are set, and URLs lose their query (and, for webhooks, their path,
    /// which often embeds a token).
    public var summary: String {
        var lines: [String] = []
        for source in sources {
            lines += Self.describe(source)
        }
        switch state.backend {
        case .file:
            lines += sources.map { "checkpoint   \(checkpoint.path(for: $0))" }
        case .postgres(let postgres):
            let lease = postgres.lease
            lines.append(
                "checkpoint   postgres \(postgres.redacted) (tls \(postgres.tls.mode), schema \(postgres.schema), "
                    + "name \(postgres.name), password \(postgres.password == nil ? "not set" : "set"))"
            )
            lines.append(
                "  lease      \(ConfigurationSyntax.format(lease.duration)), renewed every "
                    + "\(ConfigurationSyntax.format(lease.renewInterval)), delivery stops "
                    + "\(ConfigurationSyntax.format(lease.fencingMargin)) before it can expire"
            )
        }
        lines.append("dead letter  \(deadLetter.directory)")
        lines.append("sinks        \(sinks.count)")
        let width = min(max(sinks.map(\.name.count).max() ?? 0, 4), 24)
        for sink in sinks {
            let name = sink.name.padding(toLength: max(width, sink.name.count), withPad: " ", startingAt: 0)
            let type = sink.destination.typeName.padding(toLength: 6, withPad: " ", startingAt: 0)
            var format = sink.format.name.padding(toLength: 3, withPad: " ", startingAt: 0)
            // azure_monitor sends its table's rows, otlp its log records, whatever the format says.
            if case .http(let http) = sink.destination, http.mode == .azureMonitor { format = "row" }
            if case .http(let http) = sink.destination, http.mode == .otlp { format = "log" }
            lines.append("  \(name)  \(type)  \(format)  \(Self.describeDestination(sink.destination))")
        }
        lines.append(
            server.isEnabled
                ? "server       http://\(server.listen) (/metrics, /healthz, /readyz)" : "server       disabled"
        )
        lines.append("log          \(log.level), format \(log.format)")
        return lines.joined(separator: "\n")
    }

    /// The lines of one source: endpoint and key family, start, pacing, filters.
    static func describe(_ source: Source) -> [String] {
        var lines: [String] = []
        let version = source.anthropicVersion.map { ", anthropic-version \($0)" } ?? ", no anthropic-version"
        let name = source.name.map { " \($0):" } ?? ""
        lines.append("source      \(name) \(source.baseURL) (key \(keyFamily(of: source.apiKey))\(version))")
        lines.append("  start      \(source.start) (first run only; later runs resume from the checkpoint)")
        let reserve = Int((source.budget.reserveFraction * 100).rounded())
        lines.append(
            "  polling    page_size \(source.pageSize), every \(ConfigurationSyntax.format(source.pollInterval)), "
                + "lookback \(ConfigurationSyntax.format(source.lookback)), "
                + "at most \(source.budget.maximumRequestsPerMinute) requests/min, \(reserve)% of the budget kept free"
        )
        var filters: [String] = []
        if !source.activityTypes.isEmpty { filters.append("\(source.activityTypes.count) activity types") }
        if !source.excludeActivityTypes.isEmpty {
            filters.append("\(source.excludeActivityTypes.count) excluded types")
        }
        if !source.organizationIDs.isEmpty { filters.append("\(source.organizationIDs.count) organizations") }
        if !source.actorIDs.isEmpty { filters.append("\(source.actorIDs.count) actors") }
        if source.dropSelfGenerated { filters.append("own compliance_api_accessed records dropped") }
        if !filters.isEmpty { lines.append("  filters    " + filters.joined(separator: ", ")) }
        return lines
    }

    /// `sk-ant-api01`, `sk-ant-admin01`, or `unrecognised`: the key's family, never any part of
    /// its secret. Stricter than ``ComplianceAPI/APIKey/family``, which would print the third
    /// dash-separated part of any `sk-` key, even when that part is secret.
    public static func keyFamily(of key: APIKey) -> String {
        let family = key.family
        let parts = family.split(separator: "-")
        guard parts.count == 3, parts[0] == "sk", parts[1] == "ant", parts[2].count <= 12,
            parts[2].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }),
            parts[2].last?.isNumber == true
        else { return "unrecognised" }
        return family
    }

    static func describeDestination(_ destination: Sink.Destination) -> String {
        switch destination {
        case .file(let file):
            var text =
                "\(file.directory)/\(file.prefix)-*.gz (rotate \(ConfigurationSyntax.format(bytes: file.rotate.maximumBytes))"
            text += " or \(ConfigurationSyntax.format(file.rotate.maximumAge))"
            if let files = file.retention.maximumFiles { text += ", keep \(files) files" }
            if let age = file.retention.maximumAge { text += ", keep \(ConfigurationSyntax.format(age))" }
            let mode = String(file.fileMode, radix: 8)
            return text + ", mode \(String(repeating: "0", count: max(0, 4 - mode.count)) + mode))"
        case .syslog(let syslog):
            var details = [syslog.framing.name, syslog.header.name, "facility \(syslog.facility)"]
            if syslog.transport == .tls {
                details.append(syslog.tls.certFile != nil ? "mutual TLS" : "TLS")
                if syslog.tls.caFile != nil { details.append("custom CA") }
                if !syslog.tls.verify { details.append("NOT VERIFIED") }
            }
            return "\(syslog.transport.name)://\(syslog.address) (\(details.joined(separator: ", ")))"
        case .http(let http):
            var text = "\(http.mode.name) \(displayURL(http.url, hidePath: http.mode == .webhook))"
            if let index = http.index { text += " index \(index)" }
            var details: [String] = []
            if http.token != nil { details.append("token set") }
            if http.apiKey != nil { details.append("api key set") }
            if http.username != nil { details.append("basic auth") }
            if !http.headers.isEmpty {
                details.append("headers: " + http.headers.keys.sorted().joined(separator: ", "))
            }
            if http.hmac != nil { details.append("HMAC signed") }
            if http.gzip { details.append("gzip") }
            if http.ack.isEnabled { details.append("indexer ack") }
            if !http.tls.verify { details.append("TLS NOT VERIFIED") }
            return details.isEmpty ? text : "\(text) (\(details.joined(separator: ", ")))"
        case .s3(let s3):
            var text = "s3://\(s3.bucket)/\(s3.prefix) (\(s3.region)"
            if let endpoint = s3.endpoint { text += ", endpoint \(endpoint)" }
            if s3.pathStyle { text += ", path style" }
            text +=
                ", rotate \(ConfigurationSyntax.format(bytes: s3.rotate.maximumBytes)) or "
                + ConfigurationSyntax.format(s3.rotate.maximumAge)
            if let storageClass = s3.storageClass { text += ", \(storageClass)" }
            if let sse = s3.serverSideEncryption { text += ", sse \(sse)" + (s3.kmsKeyID == nil ? "" : " with key") }
            if let lock = s3.objectLock {
                text += ", object lock \(lock.mode) \(ConfigurationSyntax.format(lock.retain))"
            }
            return text + ", spool \(s3.spoolDirectory))"
        }
    }

    /// Scheme, host, port and (unless hidden) path; the query is always elided.
    static func displayURL(_ text: String, hidePath: Bool) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme, let host = components.host
        else { return "<url>" }
        var result = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)"
        if let port = components.port { result += ":\(port)" }
        let path = components.percentEncodedPath
        if !path.isEmpty, path != "/" { result += hidePath ? "/…" : path }
        if components.percentEncodedQuery != nil { result += "?…" }
        return result
    }
}
