import ComplianceAPI
import Testing

@testable import ForwarderCore

@Suite("Configuration value syntax")
struct ConfigSyntaxTests {
    @Test(
        "durations",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("10m", .seconds(600)),
            ("1h", .seconds(3600)), ("1d", .seconds(86_400)), ("1h30m", .seconds(5400)), ("1.5s", .milliseconds(1500)),
            ("0", .zero), (" 2m ", .seconds(120)), ("250us", .microseconds(250)), ("7ns", .nanoseconds(7)),
            ("1h 30m", .seconds(5400)),
        ]
    )
    func durations(text: String, expected: Duration) {
        #expect(ConfigurationSyntax.duration(text) == expected)
    }

    @Test("invalid durations", arguments: ["", "30", "s", "30sec", "-5s", "1.s", "abc", "99999999999999d", "1_s"])
    func invalidDurations(text: String) {
        #expect(ConfigurationSyntax.duration(text) == nil)
    }

    @Test(
        "duration formatting",
        arguments: [
            (Duration.seconds(5400), "1h30m"), (.milliseconds(500), "500ms"), (.zero, "0s"),
            (.seconds(86_400 * 7), "7d"),
            (.milliseconds(1500), "1s500ms"),
        ]
    )
    func formatDuration(duration: Duration, text: String) {
        #expect(ConfigurationSyntax.format(duration) == text)
        #expect(ConfigurationSyntax.duration(text) == duration)
    }

    @Test(
        "sizes",
        arguments: [
            ("512", 512), ("64KiB", 65_536), ("64MiB", 67_108_864), ("1GiB", 1_073_741_824), ("10MB", 10_000_000),
            ("1KB", 1000), ("1kb", 1000), ("2 MiB", 2_097_152), ("1.5KiB", 1536), ("100B", 100), ("1_000", 1000),
        ]
    )
    func sizes(text: String, expected: Int) {
        #expect(ConfigurationSyntax.byteSize(text) == expected)
    }

    @Test("invalid sizes", arguments: ["", "MiB", "64MiBs", "-1", "1k", "ten", "1KiB2"])
    func invalidSizes(text: String) {
        #expect(ConfigurationSyntax.byteSize(text) == nil)
    }

    @Test("size formatting", arguments: [(67_108_864, "64MiB"), (10_000_000, "10MB"), (512, "512B"), (1536, "1536B")])
    func formatSize(bytes: Int, text: String) {
        #expect(ConfigurationSyntax.format(bytes: bytes) == text)
    }

    @Test(
        "environment interpolation",
        arguments: [
            ("${A}", "alpha"), ("x-${A}-y", "x-alpha-y"), ("${UNSET:-fallback}", "fallback"),
            ("${EMPTY:-fallback}", "fallback"),
            ("${EMPTY-fallback}", ""), ("${UNSET-fallback}", "fallback"), ("$$", "$"), ("a$$b", "a$b"),
            ("$$${A}", "$alpha"),
            ("price $5", "price $5"), ("${A}${A}", "alphaalpha"), ("${UNSET:-}", ""), ("end$", "end$"),
        ]
    )
    func interpolation(text: String, expected: String) throws {
        let result = try EnvironmentInterpolation.expand(text, environment: ["A": "alpha", "EMPTY": ""]).get()
        #expect(result.text == expected)
    }

    @Test("interpolation errors", arguments: ["${UNSET}", "${A", "${1X}", "${A:?x}", "${}"])
    func interpolationErrors(text: String) {
        #expect(throws: ConfigurationSyntax.Issue.self) {
            try EnvironmentInterpolation.expand(text, environment: ["A": "alpha"]).get()
        }
    }

    @Test("several unset variables are named together")
    func unsetVariables() {
        let result = EnvironmentInterpolation.expand("${X}:${Y}", environment: [:])
        #expect(
            throws: ConfigurationSyntax.Issue(
                "environment variables X, Y are not set (write ${X:-default} for a default)"
            )
        ) {
            try result.get()
        }
    }

    @Test(
        "network addresses",
        arguments: [
            ("siem.example.com:6514", "siem.example.com", 6514), ("[::1]:6514", "::1", 6514),
            ("10.0.0.1:514", "10.0.0.1", 514),
            ("siem", "siem", 9999), ("[fe80::1]", "fe80::1", 9999),
        ]
    )
    func addresses(text: String, host: String, port: Int) throws {
        let address = try NetworkAddress.parse(text, defaultPort: 9999).get()
        #expect(address == NetworkAddress(host: host, port: port))
    }

    @Test(
        "invalid network addresses",
        arguments: ["::1:6514", "[::1", "host:99999", "host:", ":514", "[host]:1", "h:x"]
    )
    func invalidAddresses(text: String) {
        #expect(throws: ConfigurationSyntax.Issue.self) { try NetworkAddress.parse(text, defaultPort: 1).get() }
    }

    @Test("IPv6 addresses print with brackets")
    func addressDescription() {
        #expect(NetworkAddress(host: "::1", port: 6514).description == "[::1]:6514")
        #expect(NetworkAddress(host: "h", port: 1).description == "h:1")
    }

    @Test("start positions")
    func startPositions() throws {
        let now = try #require(RFC3339Timestamp("2026-03-01T12:00:00Z"))
        #expect(StartPosition(parsing: "now")?.resolved(now: now) == now)
        #expect(StartPosition(parsing: "-7d")?.resolved(now: now) == RFC3339Timestamp("2026-02-22T12:00:00Z"))
        #expect(StartPosition(parsing: "-12h")?.resolved(now: now) == RFC3339Timestamp("2026-03-01T00:00:00Z"))
        #expect(
            StartPosition(parsing: "2026-01-01T00:00:00+01:00")?.timestamp == RFC3339Timestamp("2025-12-31T23:00:00Z")
        )
        #expect(StartPosition(parsing: "-7d")?.description == "-7d")
        #expect(StartPosition(parsing: "yesterday") == nil)
        #expect(StartPosition(parsing: "2026-01-01") == nil)
        #expect(StartPosition(parsing: "-") == nil)
    }

    @Test("syslog facilities by name and number")
    func facilities() {
        #expect(SyslogFacility(name: "local0")?.code == 16)
        #expect(SyslogFacility(name: "audit")?.code == 13)
        #expect(SyslogFacility(name: "authpriv")?.code == 10)
        #expect(SyslogFacility(name: "23")?.description == "local7")
        #expect(SyslogFacility(name: "24") == nil)
        #expect(SyslogFacility(name: "LOCAL0") == nil)
    }

    @Test(
        "suggestions",
        arguments: [
            ("page_sise", "page_size"), ("pagesize", "page_size"), ("caFile", "ca_file"), ("ca-file", "ca_file"),
            ("verfy", "verify"), ("sinks", "sinks"),
        ]
    )
    func suggestions(word: String, expected: String) {
        let candidates = ["page_size", "ca_file", "verify", "sinks", "source"]
        #expect(Suggestion.closest(to: word, in: candidates) == expected)
    }

    @Test("no suggestion for unrelated words")
    func noSuggestion() {
        #expect(Suggestion.closest(to: "kafka", in: ["file", "syslog", "http"]) == nil)
    }

    @Test(
        "relative paths resolve against the configuration's directory",
        arguments: [
            ("out", "/etc/cf", "/etc/cf/out"), ("./state/cp.json", "/etc/cf", "/etc/cf/state/cp.json"),
            ("../state", "/etc/cf", "/etc/state"), ("/var/lib/x", "/etc/cf", "/var/lib/x"), ("a//b/./c", "/", "/a/b/c"),
        ]
    )
    func paths(path: String, base: String, expected: String) {
        #expect(PathResolver.resolve(path, against: base) == expected)
    }
}
