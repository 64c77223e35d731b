import ComplianceAPI
import Foundation
import MockComplianceAPI
import Synchronization
import Testing

@testable import Forwarder

/// `compliance-forwarder check` against real sockets: a readable line per check and an exit code.
@Suite struct CheckCommandTests {
    static let rightKey = "sk-ant-api01-the-right-key"

    static func writeConfig(
        _ directory: TemporaryDirectory,
        baseURL: String,
        key: String,
        sinks: String
    ) throws -> String {
        let yaml = """
            source:
              base_url: \(baseURL)
              api_key: \(key)
            checkpoint:
              path: \(directory.path)/state/checkpoint.json
            sinks:
            \(sinks)
            """
        let path = directory.path + "/forwarder.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func everyCheckPassesWithTheRightKeyAndReachableSinks() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = Mutex<[String]>([])
        let receiverReplies: TestHTTPServer.Handler = { request in
            paths.withLock {
                $0.append("\(request.method) \(request.path) \(request.headers["authorization"].first ?? "-")")
            }
            return request.path == "/services/collector/health"
                ? .json(200, #"{"text":"HEC is healthy","code":17}"#)
                : .json(200, #"{"cluster_name":"test","version":{"number":"8.15.0"}}"#)
        }
        try await TestHTTPServer.withRunning(receiverReplies) { receiver in
            try await MockComplianceAPI.withRunning(configuration: .init(apiKey: Self.rightKey)) { mock in
                _ = mock.insert(type: "claude_chat_viewed", createdAt: .now.adding(.seconds(-60)))
                let config = try Self.writeConfig(
                    directory,
                    baseURL: mock.baseURL,
                    key: Self.rightKey,
                    sinks: """
                          - name: archive
                            type: file
                            directory: \(directory.path)/archive
                          - name: siem
                            type: syslog
                            transport: tcp
                            address: 127.0.0.1:\(receiver.port)
                          - name: splunk
                            type: http
                            mode: splunk_hec
                            url: \(receiver.baseURL)/services/collector/event
                            token: 11111111-2222-3333-4444-555555555555
                          - name: elastic
                            type: http
                            mode: elasticsearch
                            url: \(receiver.baseURL)
                            api_key: ZWxhc3RpYy1jaGVjay1rZXk=
                        """
                )
                let (status, output) = try await ForwarderProcess.run(["check", "--config", config])
                #expect(status == 0, "\(output)")
                #expect(output.contains("OK    api key"), "\(output)")
                #expect(output.contains("sk-ant-api01 key accepted"))
                #expect(output.contains("OK    rate budget"))
                #expect(output.contains("requests/min left"))
                #expect(output.contains("OK    sink siem (syslog tcp)"))
                #expect(output.contains("OK    sink splunk (splunk_hec)"))
                #expect(output.contains("OK    sink elastic (elasticsearch)"))
                #expect(output.contains("all 8 checks passed"))
                #expect(!output.contains("ZWxhc3RpYy1jaGVjay1rZXk=") && !output.contains("555555555555"))
            }
        }
        let requests = paths.withLock { $0 }
        #expect(requests.contains("GET /services/collector/health Splunk 11111111-2222-3333-4444-555555555555"))
        #expect(
            requests.contains("GET / ApiKey ZWxhc3RpYy1jaGVjay1rZXk="),
            "Elasticsearch is asked with the credentials"
        )
    }

    @Test func aWrongKeyAndAnUnreachableSinkAreReportedWithExitCode69() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await MockComplianceAPI.withRunning(configuration: .init(apiKey: Self.rightKey)) { mock in
            let config = try Self.writeConfig(
                directory,
                baseURL: mock.baseURL,
                key: "sk-ant-api01-WRONGKEYSECRET",
                sinks: """
                      - name: siem
                        type: syslog
                        transport: tcp
                        address: 127.0.0.1:1
                    """
            )
            let (status, output) = try await ForwarderProcess.run(["check", "--config", config])
            #expect(status == 69, "\(output)")
            #expect(output.contains("FAIL  api key"), "\(output)")
            #expect(output.contains("HTTP 404"))
            #expect(output.contains("Compliance Access Key"), "the wrong-key-type hint")
            #expect(output.contains("SKIP  rate budget"))
            #expect(output.contains("FAIL  sink siem (syslog tcp)"))
            #expect(output.contains("cannot connect to 127.0.0.1:1"))
            #expect(output.contains("2 of 5 checks failed"))
            #expect(!output.contains("WRONGKEYSECRET"))
        }
    }

    @Test func anUntrustedHTTPSCertificateIsAConfigurationFailure() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = try TestPKI.write(to: directory.path)
        let accept: TestHTTPServer.Handler = { _ in .reply(status: 204) }
        try await TestHTTPServer.withRunning(tls: try HTTPTLSTests.serverContext(), accept) { receiver in
            try await MockComplianceAPI.withRunning(configuration: .init(apiKey: Self.rightKey)) { mock in
                let config = try Self.writeConfig(
                    directory,
                    baseURL: mock.baseURL,
                    key: Self.rightKey,
                    sinks: """
                          - name: hook
                            type: http
                            mode: webhook
                            url: \(receiver.baseURL)/hook
                            tls: { ca_file: \(files["other-ca.pem"] ?? ""), server_name: fwd-test.example }
                        """
                )
                // A failed handshake is retried until the timeout, so keep it short.
                let (status, output) = try await ForwarderProcess.run(["check", "--config", config, "--timeout", "2"])
                #expect(status == 78, "\(output)")
                #expect(output.contains("FAIL  sink hook (webhook)"))
                #expect(output.contains("TLS"), "\(output)")
            }
        }
    }
}
