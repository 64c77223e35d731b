import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

@Suite struct HTTPAzureMonitorSinkTests {
    static func sink(
        url: String,
        secret: String? = AzureMonitorReceiver.clientSecret,
        federatedTokenFile: String? = nil,
        maximumEvents: Int = 10_000,
        gzip: Bool = false
    ) throws -> HTTPSink {
        try HTTPSink(
            name: "sentinel",
            configuration: ForwarderConfiguration.HTTPSink(
                mode: .azureMonitor,
                url: url,
                gzip: gzip,
                timeout: .seconds(10),
                retry: HTTPSinkHarness.fastRetry,
                azureMonitor: .init(
                    dataCollectionRuleID: AzureMonitorReceiver.ruleID,
                    stream: AzureMonitorReceiver.stream,
                    tenantID: AzureMonitorReceiver.tenantID,
                    clientID: AzureMonitorReceiver.clientID,
                    clientSecret: secret.map(Secret.init),
                    authority: url
                )
            ),
            batch: .init(maximumEvents: maximumEvents, maximumBytes: 8 << 20),
            encoder: EventEncoder(format: .ecs),
            options: .init(federatedTokenFile: federatedTokenFile)
        )
    }

    /// Activities of about 1.6 kB, so the 1 MB call limit, not the event count, shapes requests.
    static func batches(_ range: Range<Int>, batchSize: Int) -> [Batch] {
        let padding = ",\"note\":\"" + String(repeating: "n", count: 1200) + "\""
        return stride(from: range.lowerBound, to: range.upperBound, by: batchSize).enumerated().map { sequence, start in
            let numbers = start..<min(start + batchSize, range.upperBound)
            let events = numbers.enumerated().compactMap { position, number in
                HTTPTestEvents.activity(number, extra: padding).map { Event(index: position, activity: $0) }
            }
            return Batch(sequence: UInt64(sequence + 1), events: events)
        }
    }

    /// 20 000 rows through expired tokens (401), 429 with Retry-After and 503: every activity id
    /// stored, no request body over 1 MB, nothing dead-lettered, and neither the client secret
    /// nor any token in a log line.
    @Test(arguments: [false, true])
    func everyRowArrivesThroughExpiredTokensAndThrottling(gzip: Bool) async throws {
        let receiver = AzureMonitorReceiver(faults: true)
        let total = 20_000
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL, gzip: gzip),
                batches: Self.batches(0..<total, batchSize: 5000)
            )
        }
        let state = receiver.state.withLock { $0 }
        let allIDs = Set((0..<total).compactMap { HTTPTestEvents.activity($0)?.id })
        #expect(state.malformed.isEmpty)
        #expect(Set(state.stored.keys) == allIDs)
        #expect(run.acknowledger.count == total && run.acknowledger.repeats == 0)
        #expect(try run.deadLetters().isEmpty)
        #expect(state.tooLarge == 0 && state.largestBody <= AzureMonitorDialect.maximumRequestBytes)
        #expect(state.largestBody > AzureMonitorDialect.maximumRequestBytes / 2 || gzip)
        #expect(state.unauthorized > 0 && state.tokenRequests > 1, "expired tokens must have been replaced")
        #expect(run.metrics.health.isHealthy)
        let logs = run.logText
        #expect(!logs.contains(AzureMonitorReceiver.clientSecret))
        for token in state.issuedTokens { #expect(!logs.contains(token)) }
    }

    /// A proxy with a lower limit answers 413: the request is split until it fits, and a row
    /// too large even alone is dead-lettered with the 413 while its neighbours are stored.
    @Test func requestTooLargeIsSplitAndAnOversizedRowDeadLettered() async throws {
        let receiver = AzureMonitorReceiver(faults: false, maximumBody: 100_000)
        var activities = (0..<300).compactMap { HTTPTestEvents.activity($0) }
        let padding = ",\"note\":\"" + String(repeating: "x", count: 150_000) + "\""
        activities[123] = try #require(HTTPTestEvents.activity(123, extra: padding))
        let events = activities.enumerated().map { Event(index: $0.offset, activity: $0.element) }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL),
                batches: [Batch(sequence: 1, events: events)]
            )
        }
        let state = receiver.state.withLock { $0 }
        #expect(run.acknowledger.count == 300)
        #expect(try run.deadLetteredIDs() == ["act_0000123"])
        #expect(try run.deadLetters().first?["status"]?.int64Value == 413)
        #expect(state.stored.count == 299 && state.stored.values.allSatisfy { $0 == 1 })
        #expect(state.tooLarge > 1)
    }

    /// Entra refuses the secret: nothing is acknowledged or dead-lettered, the sink is unhealthy
    /// with Entra's reason (never the secret), and once the secret is accepted all rows arrive.
    @Test func refusedClientSecretHoldsEventsUntilFixed() async throws {
        let receiver = AzureMonitorReceiver(faults: false)
        receiver.state.withLock { $0.acceptedSecret = "rotated-secret-value" }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL),
                batches: Self.batches(0..<200, batchSize: 100)
            ) { run in
                let unhealthy = try await eventually {
                    !run.metrics.health.isHealthy && receiver.state.withLock { $0.tokenRequests } >= 5
                }
                #expect(unhealthy)
                #expect(run.acknowledger.count == 0)
                #expect(try run.deadLetters().isEmpty)
                #expect(run.metrics.health.reason?.contains("invalid_client") == true)
                #expect(receiver.state.withLock { $0.ingestRequests } == 0)
                receiver.state.withLock { $0.acceptedSecret = AzureMonitorReceiver.clientSecret }
            }
        }
        #expect(run.acknowledger.count == 200)
        #expect(receiver.state.withLock { $0.stored.count } == 200)
        #expect(run.metrics.health.isHealthy)
        #expect(!run.logText.contains(AzureMonitorReceiver.clientSecret))
        #expect(run.logText.contains("AADSTS7000215"))
    }

    /// A DCE that refuses every token (a missing role assignment) holds the events: each request
    /// gets one fresh token, then backs off; nothing is dead-lettered, and the token the DCE
    /// echoed in its error never reaches a log.
    @Test func aDCEThatRefusesEveryTokenLosesNothing() async throws {
        let receiver = AzureMonitorReceiver(faults: false)
        receiver.state.withLock { $0.refuseAllTokens = true }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL),
                batches: Self.batches(0..<50, batchSize: 50)
            ) { run in
                let storm = try await eventually {
                    !run.metrics.health.isHealthy && receiver.state.withLock { $0.unauthorized } >= 10
                }
                #expect(storm)
                let reason = run.metrics.health.reason ?? ""
                #expect(reason.contains("401") && reason.contains("<redacted>"), "the DCE echoes the token")
                for token in receiver.state.withLock({ $0.issuedTokens }) { #expect(!reason.contains(token)) }
                #expect(run.acknowledger.count == 0)
                #expect(try run.deadLetters().isEmpty)
                receiver.state.withLock { $0.refuseAllTokens = false }
            }
        }
        let state = receiver.state.withLock { $0 }
        #expect(run.acknowledger.count == 50 && state.stored.count == 50)
        #expect(state.tokenRequests > 2)
        for token in state.issuedTokens { #expect(!run.logText.contains(token)) }
    }

    /// Workload identity: the federated token file's contents go as the client assertion.
    @Test func workloadIdentitySendsTheFederatedToken() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let assertion = "eyJhbGciOiJSUzI1NiJ9.federated.signature"
        let path = directory.path + "/azure-identity-token"
        try (assertion + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let receiver = AzureMonitorReceiver(faults: false)
        receiver.state.withLock { $0.acceptedAssertion = assertion }
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL, secret: nil, federatedTokenFile: path),
                batches: Self.batches(0..<20, batchSize: 20)
            )
        }
        #expect(run.acknowledger.count == 20)
        #expect(receiver.state.withLock { $0.stored.count } == 20)
        #expect(!run.logText.contains(assertion))
    }

    /// Without a secret or a federated token file the sink refuses to start and says what to set.
    @Test func noCredentialIsASetupError() throws {
        #expect {
            try Self.sink(url: "https://dce.example.com", secret: nil, federatedTokenFile: nil)
        } throws: { error in
            "\(error)".contains("AZURE_FEDERATED_TOKEN_FILE") && "\(error)".contains("client_secret")
        }
    }

    @Test func tokensAreReplacedBeforeTheyExpire() {
        let fetched = ContinuousClock.now
        let hour = EntraTokenProvider.refreshTime(fetchedAt: fetched, lifetime: .seconds(3599))
        #expect(hour == fetched + .seconds(3599 - 300))
        let minute = EntraTokenProvider.refreshTime(fetchedAt: fetched, lifetime: .seconds(60))
        #expect(minute == fetched + .seconds(30))
    }

    /// The token is cached: many requests, one token request.
    @Test func theTokenIsCachedAcrossRequests() async throws {
        let receiver = AzureMonitorReceiver(faults: false)
        _ = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL, maximumEvents: 10),
                batches: Self.batches(0..<100, batchSize: 10)
            )
        }
        let state = receiver.state.withLock { $0 }
        #expect(state.ingestRequests >= 10)
        #expect(state.tokenRequests == 1)
    }
}

/// `validate` for `mode: azure_monitor`: every key known, problems named with the fix.
@Suite struct HTTPAzureMonitorConfigurationTests {
    static let base = """
        source: { api_key: sk-ant-api01-x }
        checkpoint: { path: state.json }
        sinks:
          - name: sentinel
            type: http
            mode: azure_monitor
            url: https://dce.westeurope-1.ingest.monitor.azure.com

        """

    static func problems(_ keys: String) throws -> String {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            _ = try ConfigurationLoader.load(yaml: base + keys, baseDirectory: directory.path, environment: [:])
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func aCompleteSinkLoads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try ConfigurationLoader.load(
            yaml: Self.base + """
                    dcr_immutable_id: dcr-0123456789abcdef0123456789abcdef
                    stream: Custom-ClaudeComplianceActivity
                    tenant_id: contoso.onmicrosoft.com
                    client_id: 0b8a6f3c-4d5e-4f60-9a7b-1c2d3e4f5a6b
                    client_secret: not-a-real-secret
                    authority: https://login.microsoftonline.us/
                """,
            baseDirectory: directory.path,
            environment: [:]
        )
        guard case .http(let http) = configuration.sinks.first?.destination else {
            Issue.record("not an http sink")
            return
        }
        #expect(http.mode == .azureMonitor)
        #expect(http.azureMonitor?.authority == "https://login.microsoftonline.us")
        #expect(http.azureMonitor?.clientSecret == Secret("not-a-real-secret"))
        #expect(!"\(configuration)".contains("not-a-real-secret"))
        #expect(!http.archiveAnchors, "the table schema has no place for archive anchors")
    }

    @Test func archiveAnchorsCannotBeTurnedOn() throws {
        let problems = try Self.problems("    archive_anchors: true\n")
        #expect(problems.contains("archive_anchors"))
        #expect(problems.contains("no place for archive anchors"))
    }

    @Test func missingKeysAreNamed() throws {
        let problems = try Self.problems("")
        for key in ["dcr_immutable_id", "stream", "tenant_id", "client_id"] {
            #expect(problems.contains(key), "\(key)")
        }
    }

    @Test func malformedValuesAreExplained() throws {
        let problems = try Self.problems(
            """
                dcr_immutable_id: my-rule
                stream: ClaudeComplianceActivity_CL
                tenant_id: not a tenant
                client_id: app
                authority: http://login.example.com
                format: cef
            """
        )
        #expect(problems.contains("dcr- followed by 32 hex digits"))
        #expect(problems.contains("Custom-<name>"))
        #expect(problems.contains("contoso.onmicrosoft.com"))
        #expect(problems.contains("application (client) id"))
        #expect(problems.contains("must be https://"))
        #expect(problems.contains("remove format"))
    }

    @Test func azureKeysElsewhereAndForeignKeysHereAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let webhook = """
            source: { api_key: sk-ant-api01-x }
            checkpoint: { path: state.json }
            sinks:
              - { name: hook, type: http, url: "https://hooks.example.com/x", stream: Custom-X }
            """
        #expect {
            try ConfigurationLoader.load(yaml: webhook, baseDirectory: directory.path, environment: [:])
        } throws: { error in
            "\(error)".contains("stream") && "\(error)".contains("azure_monitor")
        }
        let problems = try Self.problems("    index: x\n    token: abcdefgh\n")
        #expect(problems.contains("index") && problems.contains("token"))
    }
}

/// `check` for `mode: azure_monitor`: a token, then the DCE reachable.
@Suite struct HTTPAzureMonitorProbeTests {
    @Test func probePassesWithWorkingCredentials() async throws {
        let receiver = AzureMonitorReceiver(faults: false)
        let result = try await TestHTTPServer.withRunning(receiver.handle) { server in
            let sink = try HTTPAzureMonitorSinkTests.sink(url: server.baseURL)
            return await SinkProbe.probeAzureMonitor(sink.configuration, timeout: .seconds(5))
        }
        #expect(result.outcome == .passed)
        #expect(result.detail.contains("token acquired (client secret)"))
        #expect(receiver.state.withLock { $0.tokenRequests } == 1)
    }

    @Test func probeNamesTheRefusalWithoutTheSecret() async throws {
        let receiver = AzureMonitorReceiver(faults: false)
        receiver.state.withLock { $0.acceptedSecret = "another-secret-value" }
        let result = try await TestHTTPServer.withRunning(receiver.handle) { server in
            let sink = try HTTPAzureMonitorSinkTests.sink(url: server.baseURL)
            return await SinkProbe.probeAzureMonitor(sink.configuration, timeout: .seconds(5))
        }
        #expect(result.outcome == .misconfigured)
        #expect(result.detail.contains("invalid_client") && result.detail.contains("check tenant_id"))
        #expect(!result.detail.contains(AzureMonitorReceiver.clientSecret))
    }

    @Test func probeReportsAnUnreachableAuthority() async throws {
        let sink = try HTTPAzureMonitorSinkTests.sink(url: "http://127.0.0.1:1")
        let result = await SinkProbe.probeAzureMonitor(sink.configuration, timeout: .seconds(5))
        #expect(result.outcome == .unreachable)
        #expect(result.detail.contains("Entra ID token request"))
    }
}
