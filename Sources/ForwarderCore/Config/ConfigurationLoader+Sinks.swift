import Yams

extension ConfigurationLoader {
    /// `type`: internal, the public model uses ``ForwarderConfiguration/Sink/Destination``.
    typealias SinkType = Choice<SinkTypeSpellings>
    enum SinkTypeSpellings: ChoiceSpellings {
        static let allCases: [SinkType] = [.file, .syslog, .http, .s3]
    }

    static let commonSinkKeys = ["name", "type", "format", "batch"]
    static let fileSinkKeys = [
        "directory", "prefix", "rotate", "retention", "file_mode", "compression_level", "signing_key_file",
        "previous_signing_key_file",
    ]
    static let syslogSinkKeys = [
        "address", "transport", "framing", "header", "facility", "app_name", "hostname", "max_message_bytes", "bom",
        "tls", "reconnect", "archive_anchors",
    ]
    static let httpSinkKeys =
        [
            "mode", "url", "token", "token_file", "api_key", "api_key_file", "username", "password", "password_file",
            "index", "source", "sourcetype", "host", "headers", "body_format", "hmac", "gzip", "timeout", "tls", "ack",
            "retry", "max_in_flight", "archive_anchors",
        ] + azureMonitorKeys + otlpKeys

    static func keys(for type: SinkType) -> [String] {
        switch type {
        case .file: fileSinkKeys
        case .syslog: syslogSinkKeys
        case .s3: s3SinkKeys
        default: httpSinkKeys
        }
    }

    static func readSinks(_ root: ConfigurationMapping) -> [ForwarderConfiguration.Sink]? {
        guard let items = root.sequence("sinks") else {
            if !root.has("sinks") { root.missing("sinks", "a list of at least one sink (file, syslog, http or s3)") }
            return nil
        }
        if items.isEmpty {
            root.error("sinks", "must list at least one sink")
            return nil
        }
        var sinks: [ForwarderConfiguration.Sink] = []
        var firstUse: [String: String] = [:]
        var failed = false
        for item in items {
            guard let (name, sink, line) = readSink(item.node, path: item.path, context: root.context) else {
                failed = true
                continue
            }
            if let previous = firstUse[name] {
                root.diagnostics.error(
                    "\(item.path).name",
                    "duplicate sink name '\(name)' (also used by \(previous)); names must be unique",
                    line: line
                )
                failed = true
            } else {
                firstUse[name] = item.path
            }
            if let sink { sinks.append(sink) } else { failed = true }
        }
        return failed ? nil : sinks
    }

    /// One sink's name (for the uniqueness check, even when the rest is broken), the sink when
    /// it is valid, and the line of its name.
    private static func readSink(
        _ node: Node,
        path: String,
        context: ConfigurationMapping.Context
    ) -> (name: String, sink: ForwarderConfiguration.Sink?, line: Int?)? {
        // The type decides which keys are valid, so read it before checking the others.
        // Interpolated quietly here: the `choice` call below reports a bad reference.
        let typeText = node.mapping?["type"]?.scalar.flatMap {
            try? EnvironmentInterpolation.expand($0.string, environment: context.environment).get().text
        }
        let type = typeText.flatMap { SinkType(name: $0) }
        let allowed: [String]
        var foreign: [String: String] = [:]
        if let type {
            allowed = commonSinkKeys + keys(for: type)
            var owners: [String: [String]] = [:]
            for other in SinkType.allCases where other != type {
                for key in keys(for: other) where !allowed.contains(key) {
                    owners[key, default: []].append(other.name)
                    let names = owners[key, default: []].joined(separator: " and ")
                    foreign[key] = "'\(key)' is a key of \(names) sinks; this sink has type \(type.name)"
                }
            }
        } else {
            // Without a valid type, accept every sink key rather than bury the type error.
            allowed =
                commonSinkKeys + fileSinkKeys + syslogSinkKeys + httpSinkKeys.filter { !syslogSinkKeys.contains($0) }
                + s3SinkKeys.filter { !fileSinkKeys.contains($0) }
        }
        guard
            let sink = ConfigurationMapping(
                node,
                path: path,
                context: context,
                allowedKeys: allowed,
                foreignKeys: foreign
            )
        else { return nil }
        if !sink.has("type") {
            sink.missing("type", "one of \(SinkType.spellings)")
        } else if type == nil {
            _ = sink.choice("type", as: SinkType.self)
        }

        let name = readSinkName(sink)
        let format = sink.choice("format", as: ForwarderConfiguration.Sink.Format.self)
        let batch = readBatch(sink)

        let destination: ForwarderConfiguration.Sink.Destination?
        if type == .file {
            destination = readFileSink(sink).map { .file($0) }
        } else if type == .syslog {
            destination = readSyslogSink(sink).map { .syslog($0) }
        } else if type == .http {
            destination = readHTTPSink(sink, format: format).map { .http($0) }
        } else if type == .s3 {
            destination = readS3Sink(sink).map { .s3($0) }
        } else {
            destination = nil
        }
        guard let name else { return nil }
        guard let destination else { return (name, nil, sink.line(of: "name")) }
        var result = ForwarderConfiguration.Sink(name: name, format: format, destination: destination)
        if let batch { result.batch = batch(result.batch) }
        return (name, result, sink.line(of: "name"))
    }

    private static func readSinkName(_ sink: ConfigurationMapping) -> String? {
        guard sink.has("name") else {
            sink.missing("name", "a unique name such as siem or archive")
            return nil
        }
        guard let name = sink.string("name") else { return nil }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "_.-".unicodeScalars.contains(scalar))
        }
        guard allowed else {
            sink.error("name", "may contain only letters, digits, '_', '.' and '-', got '\(name)'")
            return nil
        }
        return name
    }

    /// The batch keys given, applied later over the sink type's defaults.
    private static func readBatch(
        _ sink: ConfigurationMapping
    ) -> ((ForwarderConfiguration.Sink.Batch) -> ForwarderConfiguration.Sink.Batch)? {
        guard let batch = sink.mapping("batch", allowedKeys: ["max_events", "max_bytes", "max_delay"]) else {
            return nil
        }
        let maximumEvents = batch.int("max_events", range: 1...Int.max)
        let maximumBytes = batch.size("max_bytes", minimum: 1 << 10)
        let maximumDelay = batch.duration("max_delay")
        return { defaults in
            var result = defaults
            if let maximumEvents { result.maximumEvents = maximumEvents }
            if let maximumBytes { result.maximumBytes = maximumBytes }
            if let maximumDelay { result.maximumDelay = maximumDelay }
            return result
        }
    }
}

extension ConfigurationLoader.SinkType {
    static var file: Self { Self("file") }
    static var syslog: Self { Self("syslog") }
    static var http: Self { Self("http") }
    static var s3: Self { Self("s3") }
}
