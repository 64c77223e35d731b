import ComplianceAPI
import ForwarderCore
import Testing

@testable import Forwarder

/// Tokens, API keys, passwords, HMAC secrets and header values never reach logs, errors,
/// descriptions or dead-letter files — not even when the receiver echoes them back.
@Suite struct HTTPSecretTests {
    /// Splunk busy storms and partial acceptance, every error reply quoting the Authorization header.
    @Test func splunkTokenNeverLogged() async throws {
        let receiver = SplunkReceiver(faults: true, echoCredentials: true)
        let run = try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await HTTPSinkHarness.run(
                try HTTPSplunkHECSinkTests.sink(url: server.baseURL, timeout: .milliseconds(500)),
                batches: HTTPTestEvents.batches(0..<12_000, batchSize: 3000)
            )
        }
        #expect(run.acknowledger.count == 12_000)
        let deadLetters = try run.deadLetters()
        #expect(!deadLetters.isEmpty)
        let deadLetterText = deadLetters.map { JSONValue.object($0).jsonText }.joined(separator: "\n")
        // The echo made it into replies (the test is real) and was scrubbed everywhere.
        #expect(run.logText.contains("<redacted>") || deadLetterText.contains("<redacted>"))
        #expect(!run.logText.contains(SplunkReceiver.token))
        #expect(!deadLetterText.contains(SplunkReceiver.token))
    }

    @Test func webhookCredentialsNeverLogged() async throws {
        // A receiver that refuses everything and quotes every header it got.
        let echo: TestHTTPServer.Handler = { request in
            let quoted = request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
            return .reply(status: 400, body: "rejected POST \(request.uri), you sent \(quoted)")
        }
        let run = try await TestHTTPServer.withRunning(echo) { server in
            try await HTTPSinkHarness.run(
                try HTTPSink(
                    name: "hook",
                    configuration: HTTPWebhookSinkTests.configuration(
                        url: server.baseURL + "/hooks/T0B1C2D3E4F5G6H7I8J9?sig=url-signature-value"
                    ),
                    encoder: EventEncoder(format: .ecs)
                ),
                batches: HTTPTestEvents.batches(0..<3, batchSize: 3)
            )
        }
        #expect(run.acknowledger.count == 3)
        let deadLetterText = try run.deadLetters().map { JSONValue.object($0).jsonText }.joined(separator: "\n")
        #expect(deadLetterText.contains("<redacted>"))
        let basic = SecretScrubber.basicCredentials(username: "forwarder", password: WebhookReceiver.password)
        let secrets = [
            WebhookReceiver.password, basic, WebhookReceiver.headerValue, WebhookReceiver.secret,
            "url-signature-value", "T0B1C2D3E4F5G6H7I8J9",
        ]
        for secret in secrets {
            #expect(!run.logText.contains(secret))
            #expect(!deadLetterText.contains(secret))
        }
    }

    @Test func descriptionsAndErrorsHideCredentials() throws {
        let sink = try HTTPSink(
            name: "elastic",
            configuration: .init(
                mode: .elasticsearch,
                url: "https://es.example.com:9200/secret-path?token=url-secret",
                apiKey: Secret("api-key-0123456789"),
                headers: ["X-Extra": Secret("header-secret-0123")]
            ),
            encoder: EventEncoder(format: .ecs)
        )
        var dumped = ""
        dump(sink, to: &dumped)
        for text in ["\(sink)", String(reflecting: sink), dumped] {
            for secret in ["api-key-0123456789", "header-secret-0123", "url-secret", "secret-path"] {
                #expect(!text.contains(secret), "\(text)")
            }
        }
        #expect("\(sink)".contains("https://es.example.com:9200"))
        #expect(throws: HTTPSinkError.self) {
            try HTTPSink(name: "x", configuration: .init(url: "ftp://user:pw@host/x?token=abc"), encoder: .raw)
        }
        do {
            _ = try HTTPSink(name: "x", configuration: .init(url: "ftp://host/x?token=abc"), encoder: .raw)
        } catch {
            #expect(!"\(error)".contains("abc"))
        }
    }

    @Test func scrubberReplacesEveryCredential() {
        let scrubber = SecretScrubber(["tok-123456", "abc", "longer-tok-123456"])
        #expect(scrubber.scrub("a tok-123456 b longer-tok-123456 c") == "a <redacted> b <redacted> c")
        // Too short to be a credential: not replaced (it would mangle ordinary text).
        #expect(scrubber.scrub("abc") == "abc")
    }
}
