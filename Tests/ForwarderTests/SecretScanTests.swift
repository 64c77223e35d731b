import ComplianceAPI
import Foundation
import MockComplianceAPI
import Testing

@testable import Forwarder

/// Every command that reads a configuration, run against one holding distinctive secrets: none of
/// them may appear in standard output, standard error, `/metrics` or `/readyz`.
@Suite(.serialized) struct SecretScanTests {
    static let apiKey = "sk-ant-api01-SCANAPIKEY-9f8e7d6c5b4a"
    static let hecToken = "5ca17ec0-5eca-4e7c-9a11-7031e2c4b3a9"

    /// The secrets, including every base64 line of the client's private key.
    static var secrets: [String] {
        [apiKey, "SCANAPIKEY", hecToken]
            + TestPKI.clientKey.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") }
    }

    static func leaks(in text: String) -> [String] {
        secrets.filter { text.contains($0) }
    }

    @Test func noCommandPrintsASecret() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = try TestPKI.write(to: directory.path)
        let base = RFC3339Timestamp.now.adding(.seconds(-3600))
        let hec: TestHTTPServer.Handler = { _ in .json(200, #"{"text":"Success","code":0}"#) }
        try await TestHTTPServer.withRunning(tls: try HTTPTLSTests.serverContext(), hec) { receiver in
            try await MockComplianceAPI.withRunning(configuration: .init(apiKey: Self.apiKey, recordAccess: false)) {
                mock in
                let ids = (0..<5).map {
                    mock.insert(type: "sso_login_failed", createdAt: base.adding(.seconds(Int64($0))))
                }
                let config = directory.path + "/forwarder.yaml"
                try """
                source:
                  base_url: \(mock.baseURL)
                  api_key: ${SCAN_API_KEY}
                  start: 2020-01-01T00:00:00Z
                  poll_interval: 300ms
                checkpoint:
                  path: \(directory.path)/state/checkpoint.json
                  flush_interval: 100ms
                sinks:
                  - name: archive
                    type: file
                    format: raw
                    directory: \(directory.path)/archive
                  - name: splunk
                    type: http
                    mode: splunk_hec
                    url: \(receiver.baseURL)/services/collector/event
                    token: \(Self.hecToken)
                    tls:
                      ca_file: \(files["ca.pem"] ?? "")
                      cert_file: \(files["client.pem"] ?? "")
                      key_file: \(files["client.key"] ?? "")
                      server_name: fwd-test.example
                server:
                  listen: 127.0.0.1:0
                log:
                  level: debug
                  format: json
                """.write(toFile: config, atomically: true, encoding: .utf8)
                let environment = ["SCAN_API_KEY": Self.apiKey]
                var transcript = ""

                for arguments in [
                    ["validate", "--config", config],
                    ["check", "--config", config],
                    [
                        "backfill", "--config", config, "--since", base.wireText, "--until",
                        base.adding(.seconds(60)).wireText,
                    ],
                    ["checkpoint", "show", "--config", config],
                    ["demo", "--seconds", "1", "--quiet", "--output", directory.path + "/demo"],
                ] {
                    let (status, output) = try await ForwarderProcess.run(arguments, environment: environment)
                    #expect(status == 0, "\(arguments[0]): \(output)")
                    transcript += output
                }
                for command in [
                    "run", "backfill", "demo", "validate", "check", "health", "checkpoint", "mappings", "mock-api",
                ] {
                    transcript += try await ForwarderProcess.run([command, "--help"], environment: environment).output
                }

                let log = URL(fileURLWithPath: directory.path + "/run.log")
                let child = try ForwarderProcess.start(
                    ["run", "--config", config],
                    output: log,
                    environment: environment
                )
                defer { if child.process.isRunning { child.signal(SIGKILL) } }
                let port = try #require(try await loggedServerPort(in: log))
                let client = ObservabilityClient(port: port)
                var metrics = ""
                let delivered = try await eventuallyAsync {
                    metrics = await client.body("/metrics") ?? ""
                    return PrometheusSamples(metrics).value(
                        "compliance_forwarder_events_delivered_total",
                        ["sink": "splunk"]
                    )
                        == Double(ids.count)
                }
                #expect(delivered, "\(metrics)")
                transcript += metrics + ((try? await client.request("/readyz"))?.body ?? "")
                child.signal(SIGHUP)
                child.signal(SIGTERM)
                #expect(try await child.waitForExit() == 0)
                transcript += (try? String(contentsOf: log, encoding: .utf8)) ?? ""

                #expect(transcript.contains("compliance_forwarder_"), "the scan saw real output")
                #expect(Self.leaks(in: transcript).isEmpty, "leaked: \(Self.leaks(in: transcript))")
            }
        }
    }
}
