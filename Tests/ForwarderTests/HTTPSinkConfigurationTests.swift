import ComplianceAPI
import ForwarderCore
import Logging
import Testing

@testable import Forwarder

/// HTTP sinks built from the YAML configuration the way `run` builds them.
@Suite struct HTTPSinkConfigurationTests {
    static func load(_ yaml: String, directory: TemporaryDirectory) throws -> ForwarderConfiguration {
        try ConfigurationLoader.load(
            yaml: yaml,
            baseDirectory: directory.path,
            environment: [
                "KEY": "sk-ant-api01-x", "SPLUNK_HEC_TOKEN": SplunkReceiver.token,
                "ELASTIC_API_KEY": ElasticsearchReceiver.apiKey, "HOOK_SECRET": WebhookReceiver.secret,
            ]
        )
    }

    @Test func everyModeIsBuiltFromTheConfiguration() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try Self.load(
            """
            source: { api_key: "${KEY}" }
            checkpoint: { path: cp.json }
            sinks:
              - name: splunk
                type: http
                mode: splunk_hec
                url: https://splunk.example.com:8088/services/collector/event
                token: ${SPLUNK_HEC_TOKEN}
                ack: { enabled: true }
              - name: elastic
                type: http
                mode: elasticsearch
                url: https://es.example.com:9200
                api_key: ${ELASTIC_API_KEY}
              - name: hook
                type: http
                mode: webhook
                format: cef
                url: https://hooks.example.com/compliance
                body_format: json_array
                hmac: { secret: "${HOOK_SECRET}" }
            """,
            directory: directory
        )
        let sinks = try configuration.sinks.map {
            try ForwarderRuntime.makeSink($0, logger: Logger(label: "test"))
        }
        let http = sinks.compactMap { $0 as? HTTPSink }
        #expect(http.map(\.configuration.mode) == [.splunkHEC, .elasticsearch, .webhook])
        #expect(
            http[0].settings.indexerAcks?.endpoint.url.hasPrefix(
                "https://splunk.example.com:8088/services/collector/ack?channel="
            ) == true
        )
        #expect(
            http[1].settings.endpoint.url
                == "https://es.example.com:9200/logs-claude.audit-default/_bulk?filter_path=\(HTTPSink.bulkFilterPath)"
        )
        #expect(http[2].settings.signer != nil)
        #expect(http[2].settings.headers.first(name: "Content-Type") == "application/json")
        #expect(http[0].settings.headers.first(name: "Authorization") == "Splunk \(SplunkReceiver.token)")
        #expect(http[1].settings.headers.first(name: "Authorization") == "ApiKey \(ElasticsearchReceiver.apiKey)")
    }

    @Test func configuredSplunkSinkDelivers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = SplunkReceiver(faults: false)
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            let configuration = try Self.load(
                """
                source: { api_key: "${KEY}" }
                checkpoint: { path: cp.json }
                sinks:
                  - name: splunk
                    type: http
                    mode: splunk_hec
                    url: \(server.baseURL)/services/collector/event
                    token: ${SPLUNK_HEC_TOKEN}
                    batch: { max_events: 7 }
                    gzip: true
                    retry: { initial_backoff: 1ms, max_backoff: 20ms }
                """,
                directory: directory
            )
            let sink = try HTTPSink.make(from: configuration.sinks[0], encoder: EventEncoder(format: .ecs))
            return try await HTTPSinkHarness.run(sink, batches: HTTPTestEvents.batches(0..<50, batchSize: 25))
        }
        #expect(run.acknowledger.count == 50)
        #expect(receiver.state.withLock { $0.requests } == 8)  // 2 batches of 25, at most 7 per request
        #expect(receiver.state.withLock { $0.received.count } == 50)
    }
}
