import Foundation
import Testing

@testable import ForwarderCore

/// One broken configuration and what the loader must say about it.
struct BrokenConfiguration: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    /// Each must be the start of some problem's description (`path: message…`).
    var expected: [String]
    /// When set, the exact number of problems.
    var count: Int?
    /// When set, the line of the first expected problem.
    var line: Int?

    var testDescription: String { name }

    /// A valid file with `replacements` applied, so each case shows only what it breaks.
    static let valid = """
        source:
          api_key: sk-ant-api01-test
        checkpoint:
          path: state/checkpoint.json
        sinks:
          - name: archive
            type: file
            directory: out
        """

    static func sinks(_ text: String) -> String {
        """
        source:
          api_key: sk-ant-api01-test
        checkpoint:
          path: state/checkpoint.json
        sinks:
        \(text)
        """
    }
}

@Suite("Broken configurations")
struct ConfigBrokenTests {
    static let cases: [BrokenConfiguration] = [
        .init(
            name: "unknown key with a suggestion",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "page_sise: 100\n  api_key: sk"
            ),
            expected: ["source.page_sise: unknown key 'page_sise' (did you mean 'page_size'?) (line 2)"],
            count: 1
        ),
        .init(
            name: "unknown top-level key",
            yaml: BrokenConfiguration.valid + "\nsink: []\n",
            expected: ["sink: unknown key 'sink' (did you mean 'sinks'?)"],
            count: 1
        ),
        .init(
            name: "unknown key without a close match lists the keys",
            yaml: BrokenConfiguration.valid + "\nserver: { port: 80 }\n",
            expected: ["server.port: unknown key 'port'; expected one of: enabled, listen"]
        ),
        .init(
            name: "a key of another sink type",
            yaml: BrokenConfiguration.sinks("  - { name: a, type: file, directory: out, address: 'x:1' }"),
            expected: ["sinks[0].address: 'address' is a key of syslog sinks; this sink has type file"]
        ),
        .init(
            name: "bad duration unit",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "poll_interval: 30sec\n  api_key: sk"
            ),
            expected: ["source.poll_interval: unknown unit 'sec'; units are ns, us, ms, s, m, h, d, got '30sec'"]
        ),
        .init(
            name: "duration without a unit",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "lookback: 600\n  api_key: sk"
            ),
            expected: ["source.lookback: missing unit; expected a duration such as 500ms"]
        ),
        .init(
            name: "bad size",
            yaml: BrokenConfiguration.sinks(
                "  - { name: a, type: file, directory: out, rotate: { max_bytes: 64MiBs } }"
            ),
            expected: ["sinks[0].rotate.max_bytes: unknown unit 'MiBs'"]
        ),
        .init(
            name: "size that is not a number",
            yaml: BrokenConfiguration.sinks("  - { name: a, type: file, directory: out, batch: { max_bytes: lots } }"),
            expected: ["sinks[0].batch.max_bytes: expected a size such as 512, 64KiB"]
        ),
        .init(
            name: "page_size out of range",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "page_size: 9000\n  api_key: sk"
            ),
            expected: ["source.page_size: must be between 1 and 5000, got 9000 (line 2)"],
            count: 1
        ),
        .init(
            name: "not a number",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "page_size: many\n  api_key: sk"
            ),
            expected: ["source.page_size: expected a whole number, got 'many'"]
        ),
        .init(
            name: "missing api key",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "  api_key: sk-ant-api01-test",
                with: "  page_size: 10"
            ),
            expected: ["source.api_key: required: set api_key (e.g. api_key: ${VARIABLE}) or api_key_file"],
            count: 1
        ),
        .init(
            name: "both api_key and api_key_file",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "api_key_file: key.txt\n  api_key: sk"
            ),
            expected: ["source.api_key_file: api_key and api_key_file are mutually exclusive: set one"],
            count: 1
        ),
        .init(
            name: "missing api_key_file",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk-ant-api01-test",
                with: "api_key_file: /nonexistent/key"
            ),
            expected: ["source.api_key_file: file not found: /nonexistent/key"]
        ),
        .init(
            name: "unset environment variable",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk-ant-api01-test",
                with: "api_key: ${NOT_SET_ANYWHERE}"
            ),
            expected: [
                "source.api_key: environment variable NOT_SET_ANYWHERE is not set (write ${NOT_SET_ANYWHERE:-default} for a default) (line 2)"
            ],
            count: 1
        ),
        .init(
            name: "unterminated variable",
            yaml: BrokenConfiguration.valid.replacingOccurrences(of: "path: state", with: "path: ${STATE_DIR/state"),
            expected: ["checkpoint.path: unterminated ${ (write $$ for a literal $)"]
        ),
        .init(
            name: "missing ca_file",
            yaml: BrokenConfiguration.sinks(
                """
                  - { name: a, type: file, directory: out }
                  - name: siem
                    type: syslog
                    address: siem.example.com:6514
                    tls:
                      ca_file: /nonexistent/x.pem
                """
            ),
            expected: ["sinks[1].tls.ca_file: file not found: /nonexistent/x.pem (line 11)"],
            count: 1
        ),
        .init(
            name: "cert_file without key_file",
            yaml: BrokenConfiguration.sinks(
                "  - { name: s, type: syslog, address: 'h:6514', tls: { cert_file: cert.pem } }"
            ),
            expected: ["sinks[0].tls.key_file: required: cert_file is set"],
            count: 1
        ),
        .init(
            name: "key_file without cert_file",
            yaml: BrokenConfiguration.sinks(
                "  - { name: s, type: syslog, address: 'h:6514', tls: { key_file: cert.pem } }"
            ),
            expected: ["sinks[0].tls.cert_file: required: key_file is set"],
            count: 1
        ),
        .init(
            name: "duplicate sink names",
            yaml: BrokenConfiguration.sinks(
                """
                  - { name: archive, type: file, directory: a }
                  - { name: archive, type: file, directory: b }
                """
            ),
            expected: [
                "sinks[1].name: duplicate sink name 'archive' (also used by sinks[0]); names must be unique (line 7)"
            ],
            count: 1
        ),
        .init(
            name: "duplicate sink names when one of them is broken",
            yaml: BrokenConfiguration.sinks(
                """
                  - { name: siem, type: syslog }
                  - { name: siem, type: file, directory: b }
                """
            ),
            expected: ["sinks[0].address: required", "sinks[1].name: duplicate sink name 'siem'"],
            count: 2
        ),
        .init(
            name: "sink type from an unset variable",
            yaml: BrokenConfiguration.sinks("  - { name: a, type: '${SINK_TYPE}', directory: a }"),
            expected: ["sinks[0].type: environment variable SINK_TYPE is not set"],
            count: 1
        ),
        .init(
            name: "invalid sink name",
            yaml: BrokenConfiguration.sinks("  - { name: 'my sink', type: file, directory: a }"),
            expected: ["sinks[0].name: may contain only letters, digits, '_', '.' and '-', got 'my sink'"]
        ),
        .init(
            name: "unknown sink type",
            yaml: BrokenConfiguration.sinks("  - { name: k, type: kafka, directory: a }"),
            expected: ["sinks[0].type: unknown value 'kafka'; expected file | syslog | http"],
            count: 1
        ),
        .init(
            name: "missing sink type",
            yaml: BrokenConfiguration.sinks("  - { name: k, directory: a }"),
            expected: ["sinks[0].type: required: one of file | syslog | http"],
            count: 1
        ),
        .init(
            name: "unknown format with a suggestion",
            yaml: BrokenConfiguration.sinks("  - { name: a, type: file, directory: a, format: cfe }"),
            expected: ["sinks[0].format: unknown value 'cfe'; expected ecs | cef | raw (did you mean 'cef'?)"],
            count: 1
        ),
        .init(
            name: "unknown http mode",
            yaml: BrokenConfiguration.sinks("  - { name: h, type: http, mode: kinesis, url: 'https://x' }"),
            expected: ["sinks[0].mode: unknown value 'kinesis'; expected webhook | splunk_hec | elasticsearch"],
            count: 1
        ),
        .init(
            name: "unknown syslog transport",
            yaml: BrokenConfiguration.sinks("  - { name: s, type: syslog, address: 'h:514', transport: ssl }"),
            expected: ["sinks[0].transport: unknown value 'ssl'; expected tls | tcp | udp"],
            count: 1
        ),
        .init(
            name: "unknown framing, header and facility",
            yaml: BrokenConfiguration.sinks(
                "  - { name: s, type: syslog, address: 'h:6514', framing: lf, header: rfc5425, facility: local8 }"
            ),
            expected: [
                "sinks[0].framing: unknown value 'lf'; expected octet_counting | newline",
                "sinks[0].header: unknown value 'rfc5425'; expected rfc5424 | rfc3164 (did you mean 'rfc5424'?)",
                "sinks[0].facility: unknown facility 'local8'",
            ],
            count: 3
        ),
        .init(
            name: "tls with a plain transport",
            yaml: BrokenConfiguration.sinks(
                "  - { name: s, type: syslog, address: 'h:514', transport: tcp, tls: { verify: true } }"
            ),
            expected: ["sinks[0].tls: only used with transport: tls (this sink uses tcp)"]
        ),
        .init(
            name: "IPv6 address without brackets",
            yaml: BrokenConfiguration.sinks("  - { name: s, type: syslog, address: '::1:6514' }"),
            expected: ["sinks[0].address: an IPv6 address must be in brackets, e.g. [::1]:6514"]
        ),
        .init(
            name: "missing syslog address",
            yaml: BrokenConfiguration.sinks("  - { name: s, type: syslog }"),
            expected: ["sinks[0].address: required"]
        ),
        .init(
            name: "YAML 1.1 booleans are refused",
            yaml: BrokenConfiguration.sinks("  - { name: s, type: syslog, address: 'h:6514', tls: { verify: no } }"),
            expected: ["sinks[0].tls.verify: expected true or false, got 'no'"]
        ),
        .init(
            name: "activity_types and exclude_activity_types together",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with:
                    "activity_types: [sso_login_failed]\n  exclude_activity_types: [compliance_api_accessed]\n  api_key: sk"
            ),
            expected: [
                "source.exclude_activity_types: activity_types and exclude_activity_types are mutually exclusive"
            ]
        ),
        .init(
            name: "invalid start",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "start: yesterday\n  api_key: sk"
            ),
            expected: ["source.start: expected an RFC 3339 date-time (2026-01-01T00:00:00Z), now, or a span before now"]
        ),
        .init(
            name: "budget above the organisation's limit",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "budget: { max_requests_per_minute: 1000, reserve_fraction: 1 }\n  api_key: sk"
            ),
            expected: [
                "source.budget.max_requests_per_minute: must be between 1 and 600, got 1000",
                "source.budget.reserve_fraction: must be at least 0.0 and less than 1.0, got 1.0",
            ]
        ),
        .init(
            name: "http keys of another mode",
            yaml: BrokenConfiguration.sinks(
                "  - { name: h, type: http, url: 'https://x', token: t, index: i, api_key: k }"
            ),
            expected: [
                "sinks[0].token: only used with mode: splunk_hec (this sink uses webhook)",
                "sinks[0].index: only used with mode: splunk_hec or elasticsearch (this sink uses webhook)",
                "sinks[0].api_key: only used with mode: elasticsearch (this sink uses webhook)",
            ],
            count: 3
        ),
        .init(
            name: "Splunk HEC without a token",
            yaml: BrokenConfiguration.sinks(
                "  - { name: h, type: http, mode: splunk_hec, url: 'https://s:8088/services/collector/event' }"
            ),
            expected: ["sinks[0].token: required: set token"]
        ),
        .init(
            name: "Elasticsearch with CEF",
            yaml: BrokenConfiguration.sinks(
                "  - { name: e, type: http, mode: elasticsearch, url: 'https://es:9200', format: cef }"
            ),
            expected: ["sinks[0].format: elasticsearch indexes JSON documents: use format ecs or raw"]
        ),
        .init(
            name: "username without password",
            yaml: BrokenConfiguration.sinks("  - { name: h, type: http, url: 'https://x', username: u }"),
            expected: ["sinks[0].password: required: username is set"]
        ),
        .init(
            name: "URL with credentials or a bad scheme",
            yaml: BrokenConfiguration.sinks(
                """
                  - { name: a, type: http, url: 'https://user:pw@x/in' }
                  - { name: b, type: http, url: 'ftp://x/in' }
                """
            ),
            expected: [
                "sinks[0].url: must not contain credentials",
                "sinks[1].url: expected an http:// or https:// URL with a host",
            ]
        ),
        .init(
            name: "webhook HMAC without a secret",
            yaml: BrokenConfiguration.sinks("  - { name: h, type: http, url: 'https://x', hmac: { header: X-Sig } }"),
            expected: ["sinks[0].hmac.secret: required"]
        ),
        .init(
            name: "reserved and invalid headers",
            yaml: BrokenConfiguration.sinks(
                "  - { name: h, type: http, url: 'https://x', headers: { Content-Length: '1', 'Bad Header': x } }"
            ),
            expected: [
                "sinks[0].headers.Content-Length: Content-Length is set by the sink",
                "sinks[0].headers.Bad Header: not a valid HTTP header name",
            ]
        ),
        .init(
            name: "world-writable file mode",
            yaml: BrokenConfiguration.sinks("  - { name: a, type: file, directory: a, file_mode: '0666' }"),
            expected: ["sinks[0].file_mode: must not be world-writable"]
        ),
        .init(
            name: "compression level out of range",
            yaml: BrokenConfiguration.sinks("  - { name: a, type: file, directory: a, compression_level: 0 }"),
            expected: ["sinks[0].compression_level: must be between 1 and 9, got 0"]
        ),
        .init(
            name: "max_backoff below initial_backoff",
            yaml: BrokenConfiguration.valid.replacingOccurrences(
                of: "api_key: sk",
                with: "retry: { initial_backoff: 10s, max_backoff: 1s }\n  api_key: sk"
            ),
            expected: ["source.retry.max_backoff: must be at least initial_backoff (10s), got 1s"]
        ),
        .init(
            name: "missing required sections",
            yaml: "log: { level: info }\n",
            expected: ["source: required", "checkpoint: required", "sinks: required"],
            count: 3
        ),
        .init(
            name: "empty sink list",
            yaml: BrokenConfiguration.sinks("  []").replacingOccurrences(of: "sinks:\n  []", with: "sinks: []"),
            expected: ["sinks: must list at least one sink"]
        ),
        .init(
            name: "a list where a mapping belongs",
            yaml: BrokenConfiguration.valid + "\nlog: [info]\n",
            expected: ["log: expected a mapping of keys to values, got a list"]
        ),
        .init(
            name: "invalid YAML syntax",
            yaml: """
                source:
                  api_key: sk-ant-api01-test
                checkpoint:
                  path: [unclosed
                sinks: []
                """,
            expected: ["invalid YAML: "],
            count: 1,
            line: 5
        ),
        .init(
            name: "bad indentation",
            yaml: """
                source:
                  api_key: sk-ant-api01-test
                   page_size: 10
                """,
            expected: ["invalid YAML: mapping values are not allowed in this context"],
            count: 1,
            line: 3
        ),
        .init(
            name: "duplicate key",
            yaml: BrokenConfiguration.valid + "\ncheckpoint: { path: other.json }\n",
            expected: ["duplicate key 'checkpoint' in one mapping"],
            count: 1
        ),
        .init(
            name: "several problems at once, in file order",
            yaml: """
                source:
                  api_key: ${MISSING_KEY}
                  page_size: 0
                  poll_intervall: 30s
                sinks:
                  - name: siem
                    type: syslog
                    format: leef
                    address: siem:6514
                    tls: { ca_file: /nonexistent/ca.pem }
                  - name: siem
                    type: file
                    directory: out
                    compression_level: 11
                """,
            expected: [
                "checkpoint: required",
                "source.api_key: environment variable MISSING_KEY is not set",
                "source.page_size: must be between 1 and 5000, got 0",
                "source.poll_intervall: unknown key 'poll_intervall' (did you mean 'poll_interval'?)",
                "sinks[0].format: unknown value 'leef'",
                "sinks[0].tls.ca_file: file not found: /nonexistent/ca.pem",
                "sinks[1].name: duplicate sink name 'siem'",
                "sinks[1].compression_level: must be between 1 and 9, got 11",
            ],
            count: 8
        ),
    ]

    @Test("each broken configuration reports its problems with key paths", arguments: cases)
    func reportsProblems(_ broken: BrokenConfiguration) throws {
        try withTemporaryDirectory { directory in
            try writeFile("key.txt", in: directory, contents: "sk-ant-api01-file\n")
            try writeFile("cert.pem", in: directory)
            let found = problems(broken.yaml, in: directory)
            let descriptions = found.map(\.description)
            for expected in broken.expected {
                #expect(
                    descriptions.contains { $0.hasPrefix(expected) },
                    "expected a problem starting with \(expected)\ngot:\n\(descriptions.joined(separator: "\n"))"
                )
            }
            if let count = broken.count {
                #expect(found.count == count, "got:\n\(descriptions.joined(separator: "\n"))")
            }
            if let line = broken.line {
                #expect(found.first?.line == line)
            }
        }
    }

    @Test("the error's description lists every problem under a headline")
    func errorDescription() {
        let error = ConfigurationError(
            problems: [
                .init(path: "source.page_size", message: "must be between 1 and 5000, got 9000", line: 3),
                .init(path: "sinks[1].tls.ca_file", message: "file not found: /etc/x.pem"),
            ],
            file: "/etc/forwarder.yaml"
        )
        #expect(
            error.description == """
                invalid configuration /etc/forwarder.yaml: 2 problems
                  - source.page_size: must be between 1 and 5000, got 9000 (line 3)
                  - sinks[1].tls.ca_file: file not found: /etc/x.pem
                """
        )
    }

    @Test("the exit code for an invalid configuration is EX_CONFIG")
    func exitCode() {
        #expect(ForwarderExitCode.configurationInvalid.rawValue == 78)
        #expect(ForwarderExitCode.success.rawValue == 0)
    }
}
