import ComplianceAPI
import Testing

@testable import ForwarderCore

@Suite("Activity formatter")
struct ActivityFormatterTests {
    @Test("formats parse from configuration text")
    func outputFormat() {
        #expect(OutputFormat(rawValue: "ECS") == .ecs)
        #expect(OutputFormat(rawValue: "cef") == .cef)
        #expect(OutputFormat(rawValue: "raw") == .raw)
        #expect(OutputFormat(rawValue: "json") == nil)
        #expect(OutputFormat.allCases.map(\.rawValue) == ["ecs", "cef", "raw"])
        #expect(!OutputFormat.cef.isJSON && OutputFormat.raw.isJSON)
    }

    @Test("each format appends exactly one line")
    func oneLine() throws {
        let pretty =
            "{\n  \"id\": \"a1\",\r\n  \"created_at\": \"2024-05-01T12:34:56Z\",\n  \"type\": \"sso_login_failed\",\n  \"actor\": {\"type\": \"unauthenticated_user_actor\", \"ip_address\": \"192.0.2.1\"},\n  \"note\": \"a\\nb\"\n}"
        let activity = try Fixtures.activity(pretty)
        let context = ActivityEncodingContext(readTime: .now)
        for format in OutputFormat.allCases {
            var buffer = Array("prefix|".utf8)
            ActivityEncoder(format: format).append(activity, context: context, into: &buffer)
            #expect(buffer.starts(with: Array("prefix|".utf8)), "appends, never replaces")
            #expect(!buffer.contains(0x0A) && !buffer.contains(0x0D), "\(format)")
            let line = Array(buffer.dropFirst(7))
            switch format {
            case .raw:
                let value = try parseJSON(line)
                #expect(value == (try JSONParser.parse(pretty)))
            case .ecs:
                #expect(valueAt("event.outcome", in: try parseJSON(line))?.stringValue == "failure")
            default:
                #expect(String(decoding: line, as: UTF8.self).hasPrefix("CEF:0|Anthropic|Claude Compliance|"))
            }
        }
    }

    @Test("a resolved mapping is used as given")
    func resolvedMapping() throws {
        let activity = try Fixtures.a1()
        let mapping = ActivityTypeMapping(name: "Custom", categories: [.iam], types: [.user, .info], severity: 9)
        var buffer: [UInt8] = []
        ActivityEncoder(format: .cef).append(
            activity,
            mapping: mapping,
            context: .init(readTime: .now),
            into: &buffer
        )
        #expect(String(decoding: buffer, as: UTF8.self).contains("|sso_login_succeeded|Custom|9|"))
    }
}

@Suite("Configuration validation")
struct ConfigurationValidationTests {
    @Test("ECS options")
    func ecs() {
        #expect(ECSEncoder.Configuration().validationProblems.isEmpty)
        #expect(!ECSEncoder.Configuration(dataset: "Claude-Audit").validationProblems.isEmpty)
        #expect(!ECSEncoder.Configuration(customNamespace: "user.claude").validationProblems.isEmpty)
        #expect(!ECSEncoder.Configuration(customNamespace: "a..b").validationProblems.isEmpty)
        #expect(ECSEncoder.Configuration(customNamespace: "acme.audit").validationProblems.isEmpty)
    }

    @Test("syslog options")
    func syslog() {
        #expect(SyslogHeaderEncoder.Configuration(hostname: "fwd.example.com").validationProblems.isEmpty)
        #expect(!SyslogHeaderEncoder.Configuration(facility: 24).validationProblems.isEmpty)
        #expect(!SyslogHeaderEncoder.Configuration(appName: "my app").validationProblems.isEmpty)
        #expect(!SyslogHeaderEncoder.Configuration(structuredDataID: "claude").validationProblems.isEmpty)
        #expect(!SyslogHeaderEncoder.Configuration(structuredDataID: "cla ude@1").validationProblems.isEmpty)
    }
}
