import ComplianceAPI
import Foundation
import Testing

@testable import ForwarderCore

/// Secrets must never reach a description, an error message or `validate`'s output.
@Suite("Configuration secret redaction")
struct ConfigRedactionTests {
    /// One recognisable value per secret field, each distinct so a leak names its source.
    static let secrets = [
        "API_KEY": "sk-ant-api01-LEAKED_API_KEY_1111",
        "HEC_TOKEN": "LEAKED_HEC_TOKEN_2222",
        "ES_API_KEY": "LEAKED_ES_API_KEY_3333",
        "ES_PASSWORD": "LEAKED ES PASSWORD 4444",
        "HOOK_PASSWORD": "LEAKED_HOOK_PASSWORD_5555",
        "HEADER_VALUE": "Bearer LEAKED_HEADER_6666",
    ]
    static let fileSecrets = [
        "hmac.key": "LEAKED_HMAC_SECRET_7777",
        "hec.token": "LEAKED_HEC_FILE_TOKEN_8888",
        "es.password": "LEAKED_ES_FILE_PASSWORD_9999",
        "api.key": "sk-ant-admin01-LEAKED_FILE_API_KEY_0000",
    ]

    static func yaml(apiKeyLine: String = "api_key: ${API_KEY}", extra: String = "") -> String {
        """
        source:
          \(apiKeyLine)
        checkpoint: { path: cp.json }
        sinks:
          - name: hec
            type: http
            mode: splunk_hec
            url: https://splunk:8088/services/collector/event
            token: ${HEC_TOKEN}
          - name: hec-file
            type: http
            mode: splunk_hec
            url: https://splunk:8088/services/collector/event
            token_file: hec.token
          - name: es
            type: http
            mode: elasticsearch
            url: https://es:9200
            api_key: ${ES_API_KEY}
          - name: es-basic
            type: http
            mode: elasticsearch
            url: https://es:9200
            username: elastic
            password: ${ES_PASSWORD}
          - name: es-basic-file
            type: http
            mode: elasticsearch
            url: https://es:9200
            username: elastic
            password_file: es.password
          - name: hook
            type: http
            url: https://hooks.example.com/in
            username: svc
            password: ${HOOK_PASSWORD}
            headers: { X-Api-Token: "${HEADER_VALUE}" }
            hmac: { secret_file: hmac.key }
        \(extra)
        """
    }

    static func allSecretValues() -> [String] {
        Array(secrets.values) + Array(fileSecrets.values)
    }

    static func expectNoSecret(in text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in allSecretValues() {
            #expect(!text.contains(secret), "\(what) contains \(secret)", sourceLocation: sourceLocation)
        }
        // Also the distinctive parts, in case a secret is printed in pieces.
        #expect(!text.contains("LEAKED"), "\(what) contains a secret fragment", sourceLocation: sourceLocation)
    }

    static func writeSecretFiles(in directory: String) throws {
        for (name, value) in fileSecrets {
            try writeFile(name, in: directory, contents: value + "\n")
        }
    }

    @Test("a loaded configuration's descriptions, dump and summary carry no secret")
    func loadedConfiguration() throws {
        try withTemporaryDirectory { directory in
            try Self.writeSecretFiles(in: directory)
            let loaded = try load(Self.yaml(), in: directory, environment: Self.secrets)
            let configuration = loaded.configuration

            // Loaded values are intact behind the redaction.
            #expect(configuration.source.apiKey.withValue { $0 } == Self.secrets["API_KEY"])
            guard case .http(let hook) = configuration.sinks[5].destination else {
                Issue.record("expected the webhook sink")
                return
            }
            #expect(hook.hmac?.secret.withValue { $0 } == "LEAKED_HMAC_SECRET_7777")
            #expect(hook.headers["X-Api-Token"]?.withValue { $0 } == "Bearer LEAKED_HEADER_6666")

            var dumped = ""
            dump(configuration, to: &dumped)
            Self.expectNoSecret(in: dumped, "dump")
            Self.expectNoSecret(in: String(describing: configuration), "description")
            Self.expectNoSecret(in: String(reflecting: configuration), "debugDescription")
            Self.expectNoSecret(in: configuration.summary, "summary")
            Self.expectNoSecret(in: loaded.warnings.map(\.description).joined(separator: "\n"), "warnings")
            for sink in configuration.sinks {
                Self.expectNoSecret(in: "\(sink) \(sink.destination)", "sink \(sink.name)")
            }
            #expect(configuration.summary.contains("key sk-ant-api01,"))
        }
    }

    @Test("problems in a file full of secrets do not repeat them")
    func errors() throws {
        try withTemporaryDirectory { directory in
            try Self.writeSecretFiles(in: directory)
            // Secrets in keys that reject them, and problems next to every secret.
            let extra = """
                  - name: misplaced
                    type: syslog
                    address: ${HEC_TOKEN}
                    format: ${ES_API_KEY}
                    facility: ${HOOK_PASSWORD}
                    max_message_bytes: ${ES_PASSWORD}
                    tls: { verify: "${API_KEY}", min_version: "${HEADER_VALUE}" }
                  - name: also-misplaced
                    type: http
                    url: "https://hooks.example.com/${HEC_TOKEN}?token=${ES_API_KEY}"
                    mode: ${HEC_TOKEN}
                    headers: { "X-Bad": "${HEADER_VALUE}\\r\\nInjected: 1" }
                    token: ${HEC_TOKEN}
                pipeline: { shutdown_grace: "${API_KEY}", channel: { max_events: "${ES_PASSWORD}" } }
                log: { level: "${HOOK_PASSWORD}" }
                """
            let yaml = Self.yaml(
                apiKeyLine: "api_key: ${API_KEY}\n  start: ${ES_API_KEY}\n  activity_types: [\"${HEC_TOKEN}\"]",
                extra: extra
            )
            var environment = Self.secrets
            environment["UNUSED"] = "x"
            do throws(ConfigurationError) {
                _ = try load(yaml, in: directory, environment: environment)
                Issue.record("expected the configuration to be rejected")
            } catch {
                #expect(error.problems.count >= 10)
                Self.expectNoSecret(in: error.description, "error description")
                Self.expectNoSecret(in: String(reflecting: error), "error debug description")
            }
        }
    }

    @Test("secrets that break their own rules are reported without being shown")
    func invalidSecrets() throws {
        try withTemporaryDirectory { directory in
            let yaml = """
                source:
                  api_key: "sk-ant-api01-LEAKED WITH SPACE"
                checkpoint: { path: cp.json }
                sinks:
                  - name: hook
                    type: http
                    url: https://hooks.example.com/in
                    username: svc
                    password: "LEAKED\\npassword"
                """
            let found = problems(yaml, in: directory)
            let text = found.map(\.description).joined(separator: "\n")
            #expect(text.contains("source.api_key: must not contain spaces, line breaks or control characters"))
            #expect(text.contains("sinks[0].password: must not contain line breaks or control characters"))
            #expect(!text.contains("LEAKED"))
        }
    }

    @Test("a YAML syntax error next to a literal secret does not quote the line")
    func syntaxErrorNearSecret() throws {
        try withTemporaryDirectory { directory in
            let yaml = """
                source:
                  api_key: sk-ant-api01-LEAKED_LITERAL: oops
                """
            let found = problems(yaml, in: directory)
            #expect(found.count == 1)
            #expect(found.first?.line == 2)
            #expect(!found.map(\.description).joined().contains("LEAKED"))
        }
    }

    @Test("Secret and APIKey print only <redacted>")
    func secretType() {
        let secret = Secret("LEAKED_VALUE")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "Secret(<redacted>)")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("LEAKED"))
        #expect(secret.withValue { $0 } == "LEAKED_VALUE")
    }

    @Test(
        "the key family never includes secret characters",
        arguments: [
            ("sk-ant-api01-abc", "sk-ant-api01"),
            ("sk-ant-admin01-abc-def", "sk-ant-admin01"),
            ("sk-ant-LEAKEDSECRETWITHOUTDASHES", "unrecognised"),
            ("sk-proj-LEAKED-rest", "unrecognised"),
            ("sk-ant-leakedsecretpart-x", "unrecognised"),
            ("not-a-key", "unrecognised"),
        ]
    )
    func keyFamily(key: String, family: String) {
        #expect(ForwarderConfiguration.keyFamily(of: APIKey(key)) == family)
    }

    @Test("webhook URLs are summarised without their path or query")
    func displayURL() {
        #expect(
            ForwarderConfiguration.displayURL("https://hooks.example.com/T0/B0/LEAKED?x=LEAKED", hidePath: true)
                == "https://hooks.example.com/…?…"
        )
        #expect(
            ForwarderConfiguration.displayURL("https://splunk:8088/services/collector/event?channel=x", hidePath: false)
                == "https://splunk:8088/services/collector/event?…"
        )
    }
}
