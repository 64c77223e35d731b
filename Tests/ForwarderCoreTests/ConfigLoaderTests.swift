import ComplianceAPI
import Foundation
import Testing

@testable import ForwarderCore

@Suite("Configuration loading")
struct ConfigLoaderTests {
    /// DESIGN §7's example, with the CA path pointing into the test directory.
    static func designExample(caFile: String) -> String {
        """
        source:
          base_url: https://api.anthropic.com        # the mock in tests: http://127.0.0.1:PORT
          api_key: ${ANTHROPIC_COMPLIANCE_ACCESS_KEY} # or api_key_file: /run/secrets/compliance_key
          start: 2026-01-01T00:00:00Z                # first run only; also "now" or "-7d"
          page_size: 5000
          poll_interval: 30s
          lookback: 10m                              # overlap pass horizon for late arrivals
          activity_types: []                         # or exclude_activity_types: [...]
          organization_ids: []
          budget:
            max_requests_per_minute: 300             # share of the org-wide 600/min this process may use
        checkpoint:
          path: ./state/checkpoint.json
        dead_letter:
          directory: ./state/dead-letter             # one gzip NDJSON file set per sink
        sinks:
          - name: archive
            type: file
            format: ecs                              # ecs | cef | raw
            directory: ./out
            rotate: { max_bytes: 64MiB, max_age: 1h }
            retention: { max_files: 500 }
          - name: siem
            type: syslog
            format: cef
            address: siem.example.com:6514
            transport: tls                           # tls | tcp | udp
            framing: octet_counting                  # octet_counting | newline
            tls: { ca_file: \(caFile), cert_file: client.pem, key_file: client-key.pem }
          - name: splunk
            type: http
            mode: splunk_hec                         # webhook | splunk_hec | elasticsearch
            url: https://splunk.example.com:8088/services/collector/event
            token: ${SPLUNK_HEC_TOKEN}
          - name: elastic
            type: http
            mode: elasticsearch
            url: https://es.example.com:9200           # _bulk is appended
            index: logs-claude.audit-default           # a data stream: `create` only
            api_key: ${ELASTIC_API_KEY}
        server:
          listen: 127.0.0.1:9464                     # /metrics, /healthz, /readyz
        log:
          level: info
          format: auto                               # auto | json | logfmt
        """
    }

    static let environment = [
        "ANTHROPIC_COMPLIANCE_ACCESS_KEY": "sk-ant-api01-abcdef",
        "SPLUNK_HEC_TOKEN": "12345678-1234-1234-1234-1234567890AB",
        "ELASTIC_API_KEY": "ZWxhc3RpYzprZXk=",
    ]

    @Test("DESIGN §7's example loads with the right values and defaults")
    func designExampleLoads() throws {
        try withTemporaryDirectory { directory in
            let caFile = try writeFile("ssl/siem-ca.pem", in: directory)
            try writeFile("client.pem", in: directory)
            try writeFile("client-key.pem", in: directory)
            let loaded = try load(Self.designExample(caFile: caFile), in: directory, environment: Self.environment)
            #expect(loaded.warnings == [])
            let configuration = loaded.configuration

            let source = configuration.source
            #expect(source.baseURL == "https://api.anthropic.com")
            #expect(source.apiKey.withValue { $0 } == "sk-ant-api01-abcdef")
            #expect(source.anthropicVersion == "2023-06-01")
            #expect(source.start.timestamp == RFC3339Timestamp("2026-01-01T00:00:00Z"))
            #expect(source.pageSize == 5000)
            #expect(source.pollInterval == .seconds(30))
            #expect(source.lookback == .seconds(600))
            #expect(source.activityTypes == [])
            #expect(source.excludeActivityTypes == [])
            #expect(source.organizationIDs == [])
            #expect(source.actorIDs == [])
            #expect(source.dropSelfGenerated == false)
            #expect(source.requestTimeout == .seconds(60))
            #expect(source.budget.maximumRequestsPerMinute == 300)
            #expect(source.budget.reserveFraction == 0.5)
            #expect(
                source.retry
                    == ForwarderConfiguration.Backoff(initialBackoff: .seconds(1), maximumBackoff: .seconds(60))
            )

            #expect(configuration.checkpoint.path == directory + "/state/checkpoint.json")
            #expect(configuration.checkpoint.flushInterval == .seconds(1))
            #expect(configuration.deadLetter.directory == directory + "/state/dead-letter")
            #expect(configuration.pipeline.channel.maximumEvents == 10_000)
            #expect(configuration.pipeline.channel.maximumBytes == 32 << 20)
            #expect(configuration.pipeline.shutdownGrace == .seconds(30))

            #expect(configuration.sinks.map(\.name) == ["archive", "siem", "splunk", "elastic"])
            #expect(configuration.sinks.map(\.format) == [.ecs, .cef, .ecs, .ecs])

            guard case .file(let archive) = configuration.sinks[0].destination else {
                Issue.record("archive should be a file sink")
                return
            }
            #expect(archive.directory == directory + "/out")
            #expect(archive.prefix == "activities")
            #expect(archive.rotate.maximumBytes == 64 << 20)
            #expect(archive.rotate.maximumAge == .seconds(3600))
            #expect(archive.retention.maximumFiles == 500)
            #expect(archive.retention.maximumAge == nil)
            #expect(archive.fileMode == 0o640)
            #expect(archive.compressionLevel == 6)
            #expect(configuration.sinks[0].batch == ForwarderConfiguration.Sink.Batch())

            guard case .syslog(let siem) = configuration.sinks[1].destination else {
                Issue.record("siem should be a syslog sink")
                return
            }
            #expect(siem.address == NetworkAddress(host: "siem.example.com", port: 6514))
            #expect(siem.transport == .tls)
            #expect(siem.framing == .octetCounting)
            #expect(siem.header == .rfc5424)
            #expect(siem.facility == .audit)
            #expect(siem.appName == "compliance-forwarder")
            #expect(siem.hostname == nil)
            #expect(siem.maximumMessageBytes == 64 << 10)
            #expect(siem.bom == false)
            #expect(siem.tls.caFile == caFile)
            #expect(siem.tls.certFile == directory + "/client.pem")
            #expect(siem.tls.keyFile == directory + "/client-key.pem")
            #expect(siem.tls.verify)
            #expect(siem.tls.minimumVersion == .v1_2)
            #expect(configuration.sinks[1].batch.maximumDelay == .milliseconds(200))

            guard case .http(let splunk) = configuration.sinks[2].destination else {
                Issue.record("splunk should be an http sink")
                return
            }
            #expect(splunk.mode == .splunkHEC)
            #expect(splunk.url == "https://splunk.example.com:8088/services/collector/event")
            #expect(splunk.token?.withValue { $0 } == "12345678-1234-1234-1234-1234567890AB")
            #expect(splunk.index == nil)
            #expect(splunk.ack.isEnabled == false)
            #expect(splunk.timeout == .seconds(30))
            #expect(splunk.gzip == false)

            guard case .http(let elastic) = configuration.sinks[3].destination else {
                Issue.record("elastic should be an http sink")
                return
            }
            #expect(elastic.mode == .elasticsearch)
            #expect(elastic.url == "https://es.example.com:9200")
            #expect(elastic.index == "logs-claude.audit-default")
            #expect(elastic.apiKey?.withValue { $0 } == "ZWxhc3RpYzprZXk=")
            #expect(elastic.token == nil)

            #expect(configuration.server.isEnabled)
            #expect(configuration.server.listen == NetworkAddress(host: "127.0.0.1", port: 9464))
            #expect(configuration.log.level == .info)
            #expect(configuration.log.format == .auto)
        }
    }

    @Test("a minimal file gets every default")
    func minimalDefaults() throws {
        try withTemporaryDirectory { directory in
            try writeFile("secrets/key", in: directory, contents: "sk-ant-admin01-xyz\n")
            let yaml = """
                source:
                  api_key_file: secrets/key
                checkpoint:
                  path: /var/lib/cf/checkpoint.json
                sinks:
                  - name: hook
                    type: http
                    url: https://hooks.example.com/in
                """
            let configuration = try load(yaml, in: directory).configuration
            #expect(configuration.source.apiKey.withValue { $0 } == "sk-ant-admin01-xyz")
            #expect(configuration.source.start == .now)
            #expect(configuration.source.pageSize == 5000)
            #expect(configuration.deadLetter.directory == "/var/lib/cf/dead-letter")
            #expect(configuration.sinks[0].format == .ecs)
            guard case .http(let hook) = configuration.sinks[0].destination else {
                Issue.record("expected an http sink")
                return
            }
            #expect(hook.mode == .webhook)
            #expect(hook.bodyFormat == .ndjson)
            #expect(hook.index == nil)
            #expect(configuration.server.listen.description == "127.0.0.1:9464")
            #expect(configuration.log == ForwarderConfiguration.Log())
        }
    }

    @Test("every optional key is read")
    func everyKey() throws {
        try withTemporaryDirectory { directory in
            try writeFile("ca.pem", in: directory)
            try writeFile("hmac.key", in: directory, contents: "shared-secret\r\n")
            let yaml = """
                source:
                  base_url: http://127.0.0.1:8080/
                  api_key: ${KEY:-sk-ant-api01-default}
                  anthropic_version: ""
                  start: -7d
                  page_size: 1_000
                  poll_interval: 1m30s
                  lookback: 15m
                  exclude_activity_types: [compliance_api_accessed]
                  organization_ids: [org_1]
                  actor_ids: [user_1, user_2]
                  drop_self_generated: true
                  request_timeout: 500ms
                  budget: { max_requests_per_minute: 120, reserve_fraction: 0.25 }
                  retry: { initial_backoff: 2s, max_backoff: 2m }
                checkpoint: { path: cp.json, flush_interval: 5s }
                pipeline:
                  channel: { max_events: 500, max_bytes: 8MiB }
                  shutdown_grace: 1m
                sinks:
                  - name: legacy.siem
                    type: syslog
                    format: raw
                    address: "[::1]"
                    transport: tcp
                    framing: newline
                    header: rfc3164
                    facility: 17
                    app_name: cf
                    hostname: fwd.example.com
                    max_message_bytes: 8KiB
                    bom: TRUE
                    reconnect: { initial_backoff: 100ms, max_backoff: 10s }
                    batch: { max_events: 10, max_bytes: 64KB, max_delay: 0 }
                  - name: hook_1
                    type: http
                    mode: webhook
                    url: https://hooks.example.com/in?x=1
                    username: svc
                    password: ${PASSWORD}
                    headers: { X-Tenant: acme }
                    body_format: json_array
                    hmac: { secret_file: hmac.key, header: X-Hub-Signature-256 }
                    gzip: true
                    timeout: 10s
                    tls: { ca_file: ca.pem, server_name: hooks.internal, min_version: "1.3" }
                    retry: { initial_backoff: 1s, max_backoff: 1s }
                  - name: hec
                    type: http
                    mode: splunk_hec
                    url: https://splunk:8088/services/collector/event
                    token: tok
                    index: security
                    source: claude
                    sourcetype: claude:compliance
                    host: fwd
                    ack: { enabled: true, channel: 0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba, timeout: 1m }
                  - name: files
                    type: file
                    directory: /data/archive
                    prefix: claude
                    retention: { max_files: 10, max_age: 30d }
                    file_mode: 0600
                    compression_level: 9
                server: { enabled: false, listen: "0.0.0.0:0" }
                log: { level: debug, format: json }
                """
            let loaded = try load(yaml, in: directory, environment: ["PASSWORD": "pw"])
            let configuration = loaded.configuration
            let source = configuration.source
            #expect(source.baseURL == "http://127.0.0.1:8080")
            #expect(source.apiKey.withValue { $0 } == "sk-ant-api01-default")
            #expect(source.anthropicVersion == nil)
            #expect(source.start == .ago(.seconds(7 * 86_400)))
            #expect(source.pageSize == 1000)
            #expect(source.pollInterval == .seconds(90))
            #expect(source.excludeActivityTypes == ["compliance_api_accessed"])
            #expect(source.organizationIDs == ["org_1"])
            #expect(source.actorIDs == ["user_1", "user_2"])
            #expect(source.dropSelfGenerated)
            #expect(source.requestTimeout == .milliseconds(500))
            #expect(source.budget.maximumRequestsPerMinute == 120)
            #expect(source.budget.reserveFraction == 0.25)
            #expect(source.retry.maximumBackoff == .seconds(120))
            #expect(configuration.checkpoint.path == directory + "/cp.json")
            #expect(configuration.checkpoint.flushInterval == .seconds(5))
            #expect(configuration.pipeline.channel == .init(maximumEvents: 500, maximumBytes: 8 << 20))
            #expect(configuration.pipeline.shutdownGrace == .seconds(60))

            guard case .syslog(let syslog) = configuration.sinks[0].destination else {
                Issue.record("expected a syslog sink")
                return
            }
            #expect(configuration.sinks[0].format == .raw)
            #expect(configuration.sinks[0].batch == .init(maximumEvents: 10, maximumBytes: 64_000, maximumDelay: .zero))
            #expect(syslog.address == NetworkAddress(host: "::1", port: 514))
            #expect(syslog.transport == .tcp)
            #expect(syslog.framing == .newline)
            #expect(syslog.header == .rfc3164)
            #expect(syslog.facility.code == 17)
            #expect(syslog.facility.description == "local1")
            #expect(syslog.appName == "cf")
            #expect(syslog.hostname == "fwd.example.com")
            #expect(syslog.maximumMessageBytes == 8192)
            #expect(syslog.bom)
            #expect(syslog.reconnect == .init(initialBackoff: .milliseconds(100), maximumBackoff: .seconds(10)))

            guard case .http(let hook) = configuration.sinks[1].destination else {
                Issue.record("expected an http sink")
                return
            }
            #expect(hook.username == "svc")
            #expect(hook.password?.withValue { $0 } == "pw")
            #expect(hook.headers["X-Tenant"]?.withValue { $0 } == "acme")
            #expect(hook.bodyFormat == .jsonArray)
            #expect(hook.hmac?.secret.withValue { $0 } == "shared-secret")
            #expect(hook.hmac?.header == "X-Hub-Signature-256")
            #expect(hook.gzip)
            #expect(hook.timeout == .seconds(10))
            #expect(hook.tls.caFile == directory + "/ca.pem")
            #expect(hook.tls.serverName == "hooks.internal")
            #expect(hook.tls.minimumVersion == .v1_3)

            guard case .http(let hec) = configuration.sinks[2].destination else {
                Issue.record("expected an http sink")
                return
            }
            #expect(hec.index == "security")
            #expect(hec.source == "claude")
            #expect(hec.sourcetype == "claude:compliance")
            #expect(hec.host == "fwd")
            #expect(
                hec.ack
                    == .init(isEnabled: true, channel: "0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba", timeout: .seconds(60))
            )

            guard case .file(let files) = configuration.sinks[3].destination else {
                Issue.record("expected a file sink")
                return
            }
            #expect(files.directory == "/data/archive")
            #expect(files.prefix == "claude")
            #expect(files.retention == .init(maximumFiles: 10, maximumAge: .seconds(30 * 86_400)))
            #expect(files.fileMode == 0o600)
            #expect(files.compressionLevel == 9)

            #expect(configuration.server.isEnabled == false)
            #expect(configuration.server.listen == NetworkAddress(host: "0.0.0.0", port: 0))
            #expect(configuration.log == .init(level: .debug, format: .json))
        }
    }

    @Test("a sink's type may come from the environment")
    func sinkTypeFromEnvironment() throws {
        try withTemporaryDirectory { directory in
            let yaml = """
                source: { api_key: "${KEY}" }
                checkpoint: { path: cp.json }
                sinks: [{ name: a, type: "${SINK_TYPE:-file}", directory: out }]
                """
            let loaded = try load(yaml, in: directory, environment: ["KEY": "sk-ant-api01-x"])
            #expect(loaded.configuration.sinks.map(\.destination.typeName) == ["file"])
            #expect(loaded.warnings == [])
        }
    }

    @Test("anchors and merge keys share settings between sinks")
    func mergeKeys() throws {
        try withTemporaryDirectory { directory in
            try writeFile("certs/ca.pem", in: directory)
            let yaml = """
                source: { api_key: sk-ant-api01-x }
                checkpoint: { path: cp.json }
                sinks:
                  - { name: a, type: syslog, address: a.example.com, tls: &tls { ca_file: certs/ca.pem } }
                  - { name: b, type: syslog, address: b.example.com, tls: *tls }
                  - { name: c, type: syslog, address: c.example.com, tls: { <<: *tls, server_name: c.internal } }
                """
            let sinks = try load(yaml, in: directory).configuration.sinks
            let tls = sinks.compactMap { sink -> ForwarderConfiguration.TLS? in
                if case .syslog(let syslog) = sink.destination { return syslog.tls }
                return nil
            }
            #expect(tls.map(\.caFile) == Array(repeating: directory + "/certs/ca.pem", count: 3))
            #expect(tls.map(\.serverName) == [nil, nil, "c.internal"])
        }
    }

    @Test("the source converts into the client's configuration and query")
    func sourceConversions() throws {
        let source = ForwarderConfiguration.Source(
            baseURL: "http://127.0.0.1:1234",
            apiKey: APIKey("sk-ant-api01-k"),
            pageSize: 250,
            activityTypes: ["sso_login_failed"],
            actorIDs: ["user_1"],
            requestTimeout: .seconds(5),
            budget: .init(maximumRequestsPerMinute: 60, reserveFraction: 0.1),
            retry: .init(initialBackoff: .seconds(2), maximumBackoff: .seconds(20))
        )
        let client = source.clientConfiguration()
        #expect(client.baseURL == "http://127.0.0.1:1234")
        #expect(client.apiKey == APIKey("sk-ant-api01-k"))
        #expect(client.requestTimeout == .seconds(5))
        #expect(client.budget == .init(maximumRequestsPerMinute: 60, reserveFraction: 0.1))
        #expect(client.retry.initialBackoff == .seconds(2))
        #expect(client.retry.maximumBackoff == .seconds(20))
        #expect(client.retry.maximumRetries == nil)
        #expect(source.pageSize == 250)
        #expect(source.activityTypes == ["sso_login_failed"])
        #expect(source.actorIDs == ["user_1"])
    }

    @Test("loading from a path resolves relative paths against the file's directory")
    func loadFromPath() throws {
        try withTemporaryDirectory { directory in
            let file = try writeFile(
                "etc/forwarder.yaml",
                in: directory,
                contents: """
                    source: { api_key: sk-ant-api01-x }
                    checkpoint: { path: ../state/cp.json }
                    sinks: [{ name: a, type: file, directory: out }]
                    """
            )
            let configuration = try ConfigurationLoader.load(path: file, environment: [:])
            #expect(configuration.checkpoint.path == directory + "/state/cp.json")
            guard case .file(let sink) = configuration.sinks[0].destination else {
                Issue.record("expected a file sink")
                return
            }
            #expect(sink.directory == directory + "/etc/out")
        }
    }

    @Test("a missing configuration file is a configuration error naming it")
    func missingFile() {
        #expect {
            try ConfigurationLoader.load(path: "/nonexistent/forwarder.yaml", environment: [:])
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.problems.first?.message == "file not found: /nonexistent/forwarder.yaml"
        }
    }

    @Test("warnings point at likely mistakes without rejecting the file")
    func warnings() throws {
        try withTemporaryDirectory { directory in
            let yaml = """
                source:
                  base_url: http://api.example.com
                  api_key: sk-ant-api03-claude-key
                  lookback: 30s
                  activity_types: [sso_login_faild]
                checkpoint: { path: cp.json }
                sinks:
                  - { name: lab, type: syslog, address: "127.0.0.1:514", transport: udp }
                  - { name: hec, type: http, mode: splunk_hec, url: "http://splunk:8088/x", token: t }
                  - { name: lab-tls, type: syslog, address: "siem:6514", tls: { verify: false } }
                """
            let warnings = try load(yaml, in: directory).warnings.map(\.description)
            let expected = [
                "source.base_url: credentials would be sent unencrypted",
                "source.api_key: the key is not a Compliance Access Key",
                "source.api_key: the secret is written in the file itself; prefer ${VARIABLE} or api_key_file",
                "sinks[1].token: the secret is written in the file itself",
                "source.lookback: activities can become visible about a minute late",
                "source.activity_types[0]: 'sso_login_faild' is not a known activity type (did you mean 'sso_login_failed'?)",
                "sinks[0].transport: udp can lose messages",
                "sinks[1].url: Splunk HEC URLs normally end in /services/collector/event",
                "sinks[1].url: credentials would be sent unencrypted",
                "sinks[2].tls.verify: certificate verification is off",
            ]
            for fragment in expected {
                #expect(warnings.contains { $0.hasPrefix(fragment) }, "missing warning: \(fragment)\nin: \(warnings)")
            }
        }
    }
}

@Suite("Configuration example")
struct ConfigExampleTests {
    @Test("examples/forwarder.yaml is valid and warning-free")
    func exampleLoads() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/forwarder.yaml")
        let text = try String(contentsOf: example, encoding: .utf8)
        try withTemporaryDirectory { directory in
            for file in ["certs/siem-ca.pem", "certs/client.pem", "certs/client-key.pem"] {
                try writeFile(file, in: directory)
            }
            try writeFile("secrets/webhook-hmac.key", in: directory, contents: "hmac\n")
            let path = try writeFile("forwarder.yaml", in: directory, contents: text)
            let loaded = try ConfigurationLoader.loadWithWarnings(
                path: path,
                environment: [
                    "ANTHROPIC_COMPLIANCE_ACCESS_KEY": "sk-ant-api01-x",
                    "SPLUNK_HEC_TOKEN": "t",
                    "ELASTIC_API_KEY": "k",
                ]
            )
            #expect(loaded.warnings == [])
            #expect(loaded.configuration.sinks.count == 5)
            #expect(loaded.configuration.source.start == .ago(.seconds(7 * 86_400)))
        }
    }
}
