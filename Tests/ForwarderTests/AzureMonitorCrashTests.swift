import ComplianceAPI
import Foundation
import MockComplianceAPI
import Testing

@testable import Forwarder

/// `mode: azure_monitor` killed at random instants while it delivers (through expired tokens, 429
/// and 503): every activity reaches the data collection endpoint.
@Suite(.serialized) struct AzureMonitorCrashTests {
    static let kills = 8
    static let backlog = 40_000

    @Test func sigkillDuringDeliveryLosesNoActivity() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let now = RFC3339Timestamp.now
        let configuration = MockComplianceAPI.Configuration(
            backlog: Self.backlog,
            backlogSpan: .seconds(3600),
            backlogEnd: now.adding(.seconds(-90)),
            liveRate: 20,
            ingestionDelay: .seconds(1),
            lateFraction: 0,
            maximumLateness: .seconds(1),
            recordAccess: false
        )
        let receiver = AzureMonitorReceiver(faults: true)
        try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
                let yaml = """
                    source:
                      base_url: \(mock.baseURL)
                      api_key: sk-ant-api01-crash-test
                      start: \(now.adding(.seconds(-3600 - 120)).wireText)
                      page_size: 2000
                      poll_interval: 500ms
                      lookback: 2m
                      budget: { max_requests_per_minute: 600, reserve_fraction: 0 }
                    checkpoint:
                      path: \(directory.path)/state/checkpoint.json
                      flush_interval: 200ms
                    dead_letter:
                      directory: \(directory.path)/state/dead-letter
                    sinks:
                      - name: sentinel
                        type: http
                        mode: azure_monitor
                        url: \(server.baseURL)
                        dcr_immutable_id: \(AzureMonitorReceiver.ruleID)
                        stream: \(AzureMonitorReceiver.stream)
                        tenant_id: \(AzureMonitorReceiver.tenantID)
                        client_id: \(AzureMonitorReceiver.clientID)
                        client_secret: \(AzureMonitorReceiver.clientSecret)
                        authority: \(server.baseURL)
                        retry: { initial_backoff: 10ms, max_backoff: 200ms }
                    server:
                      listen: 127.0.0.1:0
                    log:
                      level: warning
                      format: json
                    """
                let configPath = directory.path + "/forwarder.yaml"
                try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
                let log = URL(fileURLWithPath: directory.path + "/forwarder.log")
                let advanced = try await ForwarderProcess.killRepeatedly(
                    configPath: configPath,
                    log: log,
                    checkpoint: CheckpointStore(path: directory.path + "/state/checkpoint.json"),
                    kills: Self.kills,
                    delay: 20...800
                )
                mock.stopLiveGeneration()
                let final = try ForwarderProcess.start(["run", "--config", configPath], output: log)
                let expected = Set(mock.allIDs())
                let complete = try await eventually(timeout: .seconds(300), every: .milliseconds(500)) {
                    expected.isSubset(of: Set(receiver.state.withLock { $0.stored.keys }))
                }
                final.signal(SIGTERM)
                let status = try await final.waitForExit()
                let state = receiver.state.withLock { $0 }
                let lost = expected.subtracting(state.stored.keys)
                let duplicates = state.stored.values.reduce(0) { $0 + $1 - 1 }
                print(
                    "azure_monitor crash safety: \(Self.kills) SIGKILLs (checkpoint advanced in \(advanced)), "
                        + "\(expected.count) activities, stored \(state.stored.count), lost \(lost.count), "
                        + "duplicates \(duplicates), 401s \(state.unauthorized), token requests \(state.tokenRequests)"
                )
                #expect(advanced >= Self.kills / 2, "most kills must land while work is in progress")
                #expect(complete && lost.isEmpty, "lost: \(lost.prefix(5))")
                #expect(status == 0, "SIGTERM drains and exits 0")
                #expect(state.malformed.isEmpty)
                let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                #expect(!logText.contains(AzureMonitorReceiver.clientSecret))
                for token in state.issuedTokens { #expect(!logText.contains(token)) }
                if !lost.isEmpty || status != 0 { print(logText.suffix(4000)) }
            }
        }
    }
}
