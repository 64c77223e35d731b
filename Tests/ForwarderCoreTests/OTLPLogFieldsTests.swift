import ComplianceAPI
import Testing

@testable import ForwarderCore

/// What an activity becomes in an OpenTelemetry log record: semantic-convention attributes where
/// one names the fact, `claude.*` for the rest, severity in the syslog bands.
@Suite struct OTLPLogFieldsTests {
    static func fields(_ json: String, selfGenerated: Bool = false) throws -> OTLPLogFields {
        OTLPLogFields(activity: try Activity(json: json), selfGenerated: selfGenerated)
    }

    static func value(_ fields: OTLPLogFields, _ key: String) -> OTLPLogFields.Value? {
        fields.attributes.first { $0.key == key }?.value
    }

    @Test func requestRecordUsesHTTPAndURLConventions() throws {
        let fields = try Self.fields(
            """
            {"id":"activity_01","created_at":"2026-11-01T10:00:00.123456789Z","type":"compliance_api_accessed",\
            "organization_id":"org_1","org_name":"Acme","actor":{"type":"api_actor","api_key_id":"apikey_9",\
            "ip_address":"198.51.100.4","user_agent":"curl/8.5"},"request_id":"req_7","request_method":"GET",\
            "url":"https://api.anthropic.com/v1/compliance/activities","status_code":200}
            """,
            selfGenerated: true
        )
        #expect(Self.value(fields, "event.name") == .string("compliance_api_accessed"))
        #expect(Self.value(fields, "log.record.uid") == .string("activity_01"))
        #expect(Self.value(fields, "user.id") == .string("apikey_9"))
        #expect(Self.value(fields, "client.address") == .string("198.51.100.4"))
        #expect(Self.value(fields, "user_agent.original") == .string("curl/8.5"))
        #expect(Self.value(fields, "http.request.method") == .string("GET"))
        #expect(Self.value(fields, "http.response.status_code") == .int(200))
        #expect(Self.value(fields, "url.full") == .string("https://api.anthropic.com/v1/compliance/activities"))
        #expect(Self.value(fields, "claude.request.id") == .string("req_7"))
        #expect(Self.value(fields, "claude.actor.kind") == .string("api_actor"))
        #expect(Self.value(fields, "claude.self_generated") == .bool(true))
        #expect(Self.value(fields, "claude.event.outcome") == .string("success"))
        #expect(
            fields.resourceAttributes(serviceVersion: "1.2.3").map(\.key) == [
                "service.name", "service.version", "claude.organization.id", "claude.organization.name",
            ]
        )
        // Every key is a semantic convention or under claude., and none repeats.
        let keys = fields.attributes.map(\.key)
        #expect(Set(keys).count == keys.count)
    }

    @Test func unauthenticatedEmailIsNotUserEmail() throws {
        let fields = try Self.fields(
            """
            {"id":"activity_02","created_at":"2026-11-01T10:00:00Z","type":"sso_login_failed",\
            "actor":{"type":"unauthenticated_user_actor","unauthenticated_email_address":"typed@example.com"}}
            """
        )
        #expect(Self.value(fields, "user.email") == nil)
        #expect(Self.value(fields, "user.id") == nil)
        #expect(Self.value(fields, "claude.actor.unauthenticated_email") == .string("typed@example.com"))
        #expect(Self.value(fields, "claude.self_generated") == nil)
        #expect(fields.organization.isEmpty)
    }

    @Test func everyDocumentedTypeMapsToADocumentedSeverity() {
        let allowed: Set<Int> = [9, 10, 13, 18]
        for type in ActivityMappingTable.knownTypes {
            let severity = OTLPLogFields.severity(forCEFSeverity: ActivityMappingTable.mapping(for: type).severity)
            #expect(allowed.contains(severity.number), "\(type)")
        }
    }
}
