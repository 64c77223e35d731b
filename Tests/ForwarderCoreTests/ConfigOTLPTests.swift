import Testing

@testable import ForwarderCore

/// The `mode: otlp` keys: read, defaulted, and refused where they do not belong.
@Suite struct ConfigOTLPTests {
    static func yaml(_ sink: String) -> String {
        """
        source: { api_key: sk-ant-api01-x }
        checkpoint: { path: cp.json }
        sinks:
          - name: otel
            type: http
        \(sink.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    @Test func otlpSinkIsRead() throws {
        try withTemporaryDirectory { directory in
            let loaded = try load(
                Self.yaml(
                    """
                    mode: otlp
                    url: https://collector.example.com:4318
                    encoding: json
                    headers: { Authorization: "Bearer ${OTEL_TOKEN}" }
                    gzip: true
                    """
                ),
                in: directory,
                environment: ["OTEL_TOKEN": "token-value"]
            )
            guard case .http(let http) = loaded.configuration.sinks[0].destination else {
                Issue.record("not an http sink")
                return
            }
            #expect(http.mode == .otlp)
            #expect(http.otlp?.encoding == .json)
            #expect(http.gzip)
            #expect(http.headers["Authorization"]?.withValue { $0 } == "Bearer token-value")
            #expect(!loaded.warnings.contains { $0.path.hasPrefix("sinks") })
            #expect(!loaded.configuration.summary.contains("token-value"))
        }
    }

    @Test func encodingDefaultsToProtobuf() throws {
        try withTemporaryDirectory { directory in
            let loaded = try load(Self.yaml("mode: otlp\nurl: http://127.0.0.1:4318"), in: directory)
            guard case .http(let http) = loaded.configuration.sinks[0].destination else {
                Issue.record("not an http sink")
                return
            }
            #expect(http.otlp?.encoding == .protobuf)
        }
    }

    @Test(arguments: [
        (
            "mode: webhook\nurl: https://hooks.example.com/x\nencoding: json",
            "sinks[0].encoding: only used with mode: otlp"
        ),
        (
            "mode: otlp\nurl: https://c.example.com\nformat: ecs",
            "sinks[0].format: otlp sends OpenTelemetry log records"
        ),
        ("mode: otlp\nurl: https://c.example.com\nencoding: protobuff", "sinks[0].encoding: unknown value"),
        ("mode: otlp\nurl: https://c.example.com\ntoken: abc", "sinks[0].token: only used with mode: splunk_hec"),
    ])
    func misplacedKeysAreErrors(sink: String, expected: String) throws {
        try withTemporaryDirectory { directory in
            let descriptions = problems(Self.yaml(sink), in: directory).map(\.description)
            #expect(descriptions.contains { $0.hasPrefix(expected) }, "\(descriptions)")
        }
    }
}
