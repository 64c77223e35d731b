extension ECSEncoder.Configuration {
    /// ECS top-level field names (ECS 9.4.0): a custom namespace must not reuse one.
    static let ecsRoots: Set<String> = [
        "@timestamp", "agent", "client", "cloud", "container", "data_stream", "destination", "device", "dll", "dns",
        "ecs", "email", "entity", "error", "event", "faas", "file", "gen_ai", "group", "host", "http", "labels", "log",
        "message", "network", "observer", "orchestrator", "organization", "package", "process", "registry", "related",
        "rule", "server", "service", "source", "span", "tags", "threat", "tls", "trace", "transaction", "url", "user",
        "user_agent", "volume", "vulnerability",
    ]

    /// Every problem with these options, for the configuration loader to report at once; empty when
    /// valid.
    ///
    /// The dataset becomes part of a data stream name (`logs-<dataset>-<namespace>`), so it follows
    /// Elasticsearch's rules: lowercase, no `-`, at most 100 characters, none of `\ / * ? " < > | , #
    /// :` or spaces. The custom namespace must not be an ECS field set (`user.actor_type` is wrong).
    public var validationProblems: [String] {
        var problems: [String] = []
        if ecsVersion.isEmpty { problems.append("ecs version must not be empty") }
        if provider.isEmpty { problems.append("event.provider must not be empty") }
        if module.isEmpty { problems.append("event.module must not be empty") }
        if dataset.isEmpty || dataset.utf8.count > 100 {
            problems.append("dataset must be 1–100 characters, got \(dataset.utf8.count)")
        }
        if dataset != dataset.lowercased() { problems.append("dataset \"\(dataset)\" must be lowercase") }
        if dataset.contains(where: { "-\\/*?\"<>|,#: ".contains($0) }) {
            problems.append("dataset \"\(dataset)\" must not contain '-', spaces or any of \\ / * ? \" < > | , # :")
        }
        let components = customNamespace.split(separator: ".", omittingEmptySubsequences: false)
        if customNamespace.isEmpty || components.contains(where: \.isEmpty) {
            problems.append("custom namespace \"\(customNamespace)\" must be a dotted path of non-empty names")
        } else if let root = components.first, Self.ecsRoots.contains(String(root)) {
            problems.append("custom namespace \"\(customNamespace)\" must not start with the ECS field set \"\(root)\"")
        }
        return problems
    }
}
