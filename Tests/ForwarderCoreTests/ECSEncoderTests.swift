import ComplianceAPI
import Testing

@testable import ForwarderCore

@Suite("ECS encoder")
struct ECSEncoderTests {
    /// The vendor names of formats.md's vectors.
    static let acme = ECSEncoder(
        configuration: .init(
            provider: "acme",
            module: "acme",
            dataset: "acme.audit",
            customNamespace: "acme.audit",
            agent: nil,
            observer: nil
        )
    )
    static let readTime = RFC3339Timestamp("2024-05-01T12:35:10.123456Z") ?? RFC3339Timestamp(secondsSinceEpoch: 0)

    func encode(
        _ activity: Activity,
        encoder: ECSEncoder = ECSEncoderTests.acme,
        mapping: ActivityTypeMapping? = nil,
        selfGenerated: Bool = false
    ) throws -> JSONValue {
        var bytes: [UInt8] = []
        let context = ActivityEncodingContext(readTime: Self.readTime, selfGenerated: selfGenerated)
        if let mapping {
            encoder.encode(activity, mapping: mapping, context: context, into: &bytes)
        } else {
            encoder.encode(
                activity,
                mapping: ActivityMappingTable.mapping(for: activity.type),
                context: context,
                into: &bytes
            )
        }
        #expect(!bytes.contains(0x0A), "an ECS document must be one line")
        return try parseJSON(bytes)
    }

    @Test("vector 2.6.1: A1")
    func vectorA1() throws {
        var document = try encode(try Fixtures.a1())
        // Additions to the vector: event.created (read time, as the vector says) and event.severity.
        #expect(removePath("event.created", from: &document)?.stringValue == "2024-05-01T12:35:10.123Z")
        #expect(removePath("event.severity", from: &document) == .number("3"))
        let expected = try JSONParser.parse(
            #"{"@timestamp":"2024-05-01T12:34:56.789Z","ecs":{"version":"9.4.0"},"message":"SSO login succeeded for alice@example.com","event":{"kind":"event","category":["authentication","session"],"type":["start"],"action":"sso_login_succeeded","outcome":"success","id":"act_01HZX3","provider":"acme","module":"acme","dataset":"acme.audit"},"user":{"id":"alice@example.com","email":"alice@example.com"},"source":{"ip":"203.0.113.7","address":"203.0.113.7"},"user_agent":{"original":"Mozilla/5.0 (X11; Linux x86_64)"},"organization":{"id":"org_123"},"related":{"user":["alice@example.com"],"ip":["203.0.113.7"]},"acme":{"audit":{"actor":{"type":"user"}}}}"#
        )
        #expect(canonical(document) == canonical(expected))
    }

    @Test("vector 2.6.2: a user created by an admin")
    func vectorUserCreated() throws {
        let activity = try Fixtures.activity(
            #"{"id":"act_2","created_at":"2024-05-01T12:34:56Z","type":"user_created","organization_id":"org_123","actor":{"type":"user_actor","email_address":"admin@example.com"},"user_email":"bob@example.com","user_id":"usr_42"}"#
        )
        // `user_created` is the spec's hypothetical type: give it the row a reviewer would.
        let mapping = ActivityTypeMapping(
            name: "User created",
            categories: [.iam],
            types: [.user, .creation],
            severity: 5
        )
        let document = try encode(activity, mapping: mapping)
        #expect(valueAt("event.category", in: document) == .array([.string("iam")]))
        #expect(valueAt("event.type", in: document) == .array([.string("user"), .string("creation")]))
        #expect(valueAt("user.email", in: document)?.stringValue == "admin@example.com")
        #expect(valueAt("user.target.email", in: document)?.stringValue == "bob@example.com")
        #expect(valueAt("user.target.id", in: document)?.stringValue == "usr_42")
        #expect(
            valueAt("related.user", in: document)
                == .array([.string("admin@example.com"), .string("bob@example.com"), .string("usr_42")])
        )
        #expect(valueAt("acme.audit.activity.user_id", in: document)?.stringValue == "usr_42")
        #expect(valueAt("message", in: document)?.stringValue == "User created by admin@example.com")
        #expect(try ECSValidator().problems(in: document).isEmpty)
    }

    @Test("vector 2.6.3: the checker rejects what ECS forbids")
    func vectorRejections() throws {
        let validator = try ECSValidator()
        let valid = try encode(try Fixtures.a1())
        #expect(validator.problems(in: valid).isEmpty)
        func mutated(_ path: String, _ value: JSONValue?) -> JSONValue {
            var document = valid
            let parts = path.split(separator: ".").map(String.init)
            func set(_ node: inout JSONValue, _ index: Int) {
                guard var object = node.objectValue else { return }
                if index == parts.count - 1 {
                    object[parts[index]] = value
                } else {
                    var child = object[parts[index]] ?? .object(JSONObject())
                    set(&child, index + 1)
                    object[parts[index]] = child
                }
                node = .object(object)
            }
            set(&document, 0)
            return document
        }
        #expect(!validator.problems(in: mutated("event.type", .array([.string("creation")]))).isEmpty)
        #expect(!validator.problems(in: mutated("event.kind", .string("signal"))).isEmpty)
        #expect(!validator.problems(in: mutated("event.category", .string("authentication"))).isEmpty)
        #expect(!validator.problems(in: mutated("source.ip", .string("unknown"))).isEmpty)
        #expect(!validator.problems(in: mutated("ecs", nil)).isEmpty)
        #expect(!validator.problems(in: mutated("user.actor_type", .string("user"))).isEmpty)
    }

    @Test("vector 2.6.4: offsets become UTC")
    func vectorOffset() throws {
        let activity = try Fixtures.activity(
            #"{"id":"a","created_at":"2024-05-01T14:34:56.789+02:00","type":"sso_login_succeeded","actor":{"type":"user_actor"}}"#
        )
        #expect(valueAt("@timestamp", in: try encode(activity))?.stringValue == "2024-05-01T12:34:56.789Z")
    }

    @Test("every type × every actor variant produces a valid ECS document that keeps every field")
    func everyTypeAndActorIsValidECS() throws {
        let validator = try ECSValidator()
        let encoder = ECSEncoder(configuration: .init(includesOriginal: true, agent: .init(name: "fwd-1")))
        let actors = Fixtures.actors.keys.sorted()
        var id = 0
        for type in try TestResources.activityTypes() + ["future_type_nobody_knows"] {
            for actor in actors {
                id += 1
                let activity = try Fixtures.activity(type: type, actor: actor, extra: id, id: id)
                let document = try encode(activity, encoder: encoder, selfGenerated: id % 7 == 0)
                let problems = validator.problems(in: document)
                #expect(problems.isEmpty, "\(type) by \(actor): \(problems)")
                #expect(valueAt("event.outcome", in: document)?.stringValue != nil, "\(type): no event.outcome")
                try checkLossless(activity, document: document, namespace: "claude")
            }
        }
    }

    @Test("the realistic sample page encodes to valid ECS")
    func samplePage() throws {
        let validator = try ECSValidator()
        for activity in try TestResources.sampleActivities() {
            let document = try encode(activity, encoder: ECSEncoder())
            #expect(validator.problems(in: document).isEmpty, "\(activity.type): \(validator.problems(in: document))")
            try checkLossless(activity, document: document, namespace: "claude")
        }
    }

    /// Every per-type field is under `<ns>.activity`, every actor field is either in a standard field
    /// or under `<ns>.actor`, and `event.original` (when on) is the record.
    func checkLossless(_ activity: Activity, document: JSONValue, namespace: String) throws {
        let custom = valueAt(namespace, in: document)
        if !activity.extra.isEmpty {
            #expect(custom?.objectValue?["activity"] == .object(activity.extra), "\(activity.type)")
        }
        let actor = custom?.objectValue?["actor"]?.objectValue ?? JSONObject()
        for member in activity.actor.fields.members {
            if actor[member.key] == member.value { continue }
            let text = member.value.stringValue
            let standard: [String: String] = [
                "email_address": "user.email", "user_id": "user.id", "ip_address": "source.address",
                "user_agent": "user_agent.original",
            ]
            let path = try #require(standard[member.key], "\(activity.type): actor field \(member.key) lost")
            #expect(valueAt(path, in: document)?.stringValue == text, "\(activity.type): \(member.key)")
        }
        if let original = valueAt("event.original", in: document) {
            #expect(original.stringValue == activity.rawJSON)
        }
    }

    @Test("actor variants map to the right ECS user fields")
    func actorVariants() throws {
        func document(_ actor: String, extra: Int = 0) throws -> JSONValue {
            try encode(
                try Fixtures.activity(type: "api_key_created", actor: actor, extra: extra, id: 1),
                encoder: ECSEncoder()
            )
        }
        let user = try document("user_actor")
        #expect(valueAt("user.id", in: user)?.stringValue == "user_01A")
        #expect(valueAt("user.email", in: user)?.stringValue == "zoë@example.com")
        #expect(valueAt("source.ip", in: user)?.stringValue == "203.0.113.7")
        #expect(valueAt("message", in: user)?.stringValue == "API key created by zoë@example.com")

        let api = try document("api_actor")
        #expect(valueAt("user.id", in: api)?.stringValue == "apikey_01B")
        #expect(valueAt("source.ip", in: api)?.stringValue == "2001:db8::7")
        #expect(valueAt("claude.actor.api_key_id", in: api)?.stringValue == "apikey_01B")

        let unauthenticated = try document("unauthenticated_user_actor")
        #expect(valueAt("user.id", in: unauthenticated) == nil, "a typed email is not an identity")
        #expect(valueAt("user.email", in: unauthenticated)?.stringValue == "guess@example.com")
        #expect(
            valueAt("claude.actor.unauthenticated_email_address", in: unauthenticated)?.stringValue
                == "guess@example.com"
        )

        let anthropic = try document("anthropic_actor")
        #expect(valueAt("user", in: anthropic) == nil)
        #expect(valueAt("source", in: anthropic) == nil)
        #expect(valueAt("claude.actor.email_address", in: anthropic) == .null)

        let federated = try document("federated_actor")
        #expect(valueAt("source.ip", in: federated) == nil, "not-an-ip must not reach an ip field")
        #expect(valueAt("source.address", in: federated)?.stringValue == "not-an-ip")
        #expect(valueAt("related.ip", in: federated) == nil)
        #expect(valueAt("claude.actor.provider.account_id", in: federated)?.stringValue == "123456789012")

        let device = try document("attested_device_actor")
        #expect(valueAt("source.ip", in: device)?.stringValue == "::ffff:192.0.2.33")

        let future = try document("future_actor")
        #expect(valueAt("source.ip", in: future) == nil, "zone ids are not accepted by Elasticsearch")
        #expect(valueAt("claude.actor.type", in: future)?.stringValue == "future_actor")
    }

    @Test("API calls, outcomes, labels and identification")
    func apiCallsAndLabels() throws {
        let samples = try TestResources.sampleActivities()
        let throttled = try #require(samples.first { $0.extra["status_code"] == .number("429") })
        let encoder = ECSEncoder(configuration: .init(agent: .init(name: "fwd-1", version: "9.9.9")))
        let document = try encode(throttled, encoder: encoder, selfGenerated: true)
        #expect(valueAt("event.outcome", in: document)?.stringValue == "failure")
        #expect(valueAt("http.response.status_code", in: document) == .number("429"))
        #expect(valueAt("http.request.method", in: document)?.stringValue == "GET")
        #expect(valueAt("url.original", in: document)?.stringValue?.hasPrefix("https://api.anthropic.com/") == true)
        #expect(valueAt("labels.self_generated", in: document)?.stringValue == "true")
        #expect(valueAt("agent.name", in: document)?.stringValue == "fwd-1")
        #expect(valueAt("agent.version", in: document)?.stringValue == "9.9.9")
        #expect(valueAt("agent.type", in: document)?.stringValue == "compliance-forwarder")
        #expect(valueAt("observer.vendor", in: document)?.stringValue == "Anthropic")
        #expect(valueAt("event.original", in: document) == nil)
        #expect(valueAt("event.provider", in: document)?.stringValue == "claude")
        #expect(valueAt("event.dataset", in: document)?.stringValue == "claude.audit")

        let attest = try #require(samples.first { $0.type == "platform_app_attest_authentication" })
        let attestDocument = try encode(attest, encoder: encoder)
        if let status = attest.extra["status"]?.objectValue, let reason = status.string("reason") {
            #expect(valueAt("event.reason", in: attestDocument)?.stringValue == reason)
        }
        let ok = try #require(samples.first { $0.extra["status_code"] == .number("200") })
        #expect(valueAt("event.outcome", in: try encode(ok, encoder: encoder)) == .string("success"))
        #expect(valueAt("labels", in: try encode(ok, encoder: encoder)) == nil)
    }

    @Test("standard fields are filled from the sample records that carry their source field")
    func standardFieldsFromSamples() throws {
        let validator = try ECSValidator()
        var filled: Set<String> = []
        for activity in try TestResources.sampleActivities() {
            let document = try encode(activity, encoder: ECSEncoder())
            #expect(validator.problems(in: document).isEmpty, "\(activity.type)")
            if let requestID = activity.extra.string("request_id") {
                #expect(valueAt("http.request.id", in: document)?.stringValue == requestID, "\(activity.type)")
                filled.insert("http.request.id")
            }
            if let filename = activity.extra.string("filename") {
                #expect(valueAt("file.name", in: document)?.stringValue == filename, "\(activity.type)")
                let expected = filename.split(separator: ".").last.map(String.init)
                #expect(valueAt("file.extension", in: document)?.stringValue == expected, "\(activity.type)")
                filled.insert("file.name")
            }
            if let url = activity.extra.string("url") {
                #expect(valueAt("url.original", in: document)?.stringValue == url)
                #expect(valueAt("url.scheme", in: document)?.stringValue == "https")
                #expect(valueAt("url.domain", in: document)?.stringValue == "api.anthropic.com")
                #expect(valueAt("url.path", in: document)?.stringValue == "/v1/compliance/activities")
                #expect(url.hasSuffix("?" + (valueAt("url.query", in: document)?.stringValue ?? "-")))
                #expect(valueAt("related.hosts", in: document) == .array([.string("api.anthropic.com")]))
                filled.insert("url.domain")
            }
            if let role = activity.extra.string("role"), activity.extra.string("target_type") == "user" {
                #expect(valueAt("user.target.roles", in: document) == .array([.string(role)]))
                #expect(valueAt("user.target.id", in: document)?.stringValue == activity.extra.string("target_id"))
                filled.insert("user.target.roles")
            }
            // Lossless: the source fields stay in the custom namespace too.
            #expect(
                valueAt("claude.activity", in: document)?.objectValue == (activity.extra.isEmpty ? nil : activity.extra)
            )
        }
        #expect(filled == ["http.request.id", "file.name", "url.domain", "user.target.roles"])
    }

    @Test("organization names, invitees, requesters and alert recipients reach standard fields")
    func standardFieldsFromOtherTypes() throws {
        let validator = try ECSValidator()
        func document(_ type: String, _ fields: String) throws -> JSONValue {
            let activity = try Fixtures.activity(
                #"{"id":"a","created_at":"2026-01-01T00:00:00Z","type":"\#(type)","organization_id":"org_1","actor":{"type":"user_actor","email_address":"admin@example.com","user_id":"user_admin"},\#(fields)}"#
            )
            let document = try encode(activity, encoder: ECSEncoder())
            #expect(validator.problems(in: document).isEmpty, "\(type): \(validator.problems(in: document))")
            #expect(valueAt("claude.activity", in: document)?.objectValue == activity.extra, "lossless")
            return document
        }
        let parent = try document(
            "org_parent_join_proposal_created",
            #""org_name":"Parent Corp","organization_name":"Other""#
        )
        #expect(valueAt("organization.name", in: parent)?.stringValue == "Parent Corp")
        #expect(valueAt("organization.id", in: parent)?.stringValue == "org_1")
        let named = try document("claude_organization_settings_updated", #""organization_name":"Acme""#)
        #expect(valueAt("organization.name", in: named)?.stringValue == "Acme")

        let invite = try document("end_user_invite_requested", #""invitee_email":"new@example.com""#)
        #expect(valueAt("user.target.email", in: invite)?.stringValue == "new@example.com")
        #expect(valueAt("event.outcome", in: invite)?.stringValue == "unknown")
        let request = try document(
            "extra_usage_spend_limit_increase_request_approved",
            #""requester_user_id":"user_req","approved":true"#
        )
        #expect(valueAt("user.target.id", in: request)?.stringValue == "user_req")
        #expect(valueAt("related.user", in: request)?.arrayValue?.contains(.string("user_req")) == true)

        let alerts = try document(
            "workspace_spend_limit_alert_emails_updated",
            #""alert_emails":["ops@example.com","admin@example.com","ops@example.com",""]"#
        )
        #expect(
            valueAt("related.user", in: alerts)
                == .array([.string("admin@example.com"), .string("user_admin"), .string("ops@example.com")])
        )

        // A role granted to a group names no user: it is not a user's role.
        let groupGrant = try document(
            "role_assignment_granted",
            #""role":"admin","target_type":"group","target_id":"g1""#
        )
        #expect(valueAt("user.target", in: groupGrant) == nil)
    }

    @Test("the record's own outcome wins over the row's")
    func outcomeFromTheRecord() throws {
        func outcome(_ type: String, _ fields: String) throws -> String? {
            let activity = try Fixtures.activity(
                #"{"id":"a","created_at":"2026-01-01T00:00:00Z","type":"\#(type)","actor":{"type":"api_actor","api_key_id":"k"}\#(fields)}"#
            )
            return valueAt("event.outcome", in: try encode(activity, encoder: ECSEncoder()))?.stringValue
        }
        #expect(try outcome("org_join_proposal_decided", #","approved":true"#) == "success")
        #expect(try outcome("org_join_proposal_decided", #","approved":false"#) == "failure")
        #expect(try outcome("org_join_proposal_decided", "") == "unknown")
        #expect(try outcome("compliance_api_accessed", #","status_code":503"#) == "failure")
        #expect(try outcome("compliance_api_accessed", #","status_code":204"#) == "success")
        #expect(try outcome("compliance_api_accessed", "") == "unknown")
        #expect(try outcome("platform_app_attest_authentication", #","status":{"outcome":"denied"}"#) == "failure")
        #expect(try outcome("platform_app_attest_authentication", #","status":{"outcome":"success"}"#) == "success")
        #expect(try outcome("platform_app_attest_authentication", #","status":{"outcome":"later"}"#) == "unknown")
        #expect(try outcome("sso_login_initiated", "") == "unknown")
        #expect(try outcome("api_key_created", "") == "success")
        #expect(try outcome("some_new_widget_deletion_failed", "") == "failure")
    }

    @Test("file extensions follow ECS: the last one, never a hidden file's dot")
    func fileExtensions() {
        #expect(ECSEncoder.fileExtension(of: "report.tar.gz") == "gz")
        #expect(ECSEncoder.fileExtension(of: "Prüfbericht (final).PDF") == "PDF")
        #expect(ECSEncoder.fileExtension(of: ".env") == nil)
        #expect(ECSEncoder.fileExtension(of: "README") == nil)
        #expect(ECSEncoder.fileExtension(of: "trailing.") == nil)
        #expect(ECSEncoder.fileExtension(of: "dir.v2/notes") == nil)
    }

    @Test("hostile strings stay valid one-line JSON")
    func hostileStrings() throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<300 {
            let text = Hostile.string(using: &generator)
            let quoted = JSONValue.string(text).jsonText
            let id = JSONValue.string("id" + text).jsonText
            let type = JSONValue.string("t" + text).jsonText
            let activity = try Fixtures.activity(
                #"{"id":\#(id),"created_at":"2024-05-01T12:34:56Z","type":\#(type),"actor":{"type":"user_actor","email_address":\#(quoted),"user_agent":\#(quoted),"ip_address":\#(quoted)},\#(quoted):\#(quoted)}"#
            )
            let document = try encode(activity, encoder: ECSEncoder())
            #expect(valueAt("event.id", in: document)?.stringValue == "id" + text)
            #expect(valueAt("user.email", in: document)?.stringValue == (text.isEmpty ? nil : text))
        }
    }
}
