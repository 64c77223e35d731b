import ComplianceAPI
import Testing

@Suite struct ActivityDecodingTests {
    static let page = #"""
        {"data":[
          {"id":"activity_01A","created_at":"2026-09-03T16:59:58.913+02:00","organization_id":null,
           "organization_uuid":null,"actor":{"type":"user_actor","email_address":"zoë@acme.example",
           "user_id":"user_1","ip_address":"2001:db8::1","user_agent":"UA | x=y"},"type":"sso_login_succeeded",
           "auth_method":"sso","mfa_method":null,"amount":1.50},
          {"id":"activity_01B","created_at":"2026-09-03T14:59:59Z","organization_id":"org_1",
           "organization_uuid":"u-1","actor":{"type":"robot_actor","serial":7,"ip_address":"203.0.113.9"},
           "type":"brand_new_type","nested":{"k":[1,2]}},
          {"created_at":"2026-09-03T14:59:59Z","type":"claude_chat_viewed","actor":{"type":"user_actor"}},
          {"id":"activity_01C","created_at":"yesterday","type":"claude_chat_viewed"},
          42
        ],"has_more":true,"first_id":"activity_01A","last_id":"activity_01C","future_field":{"x":1}}
        """#

    @Test func decodesLosslesslyAndQuarantinesInvalidRecords() throws {
        let page = try CursorPage<Activity>.decode(Array(Self.page.utf8))
        #expect(page.hasMore)
        #expect(page.firstID == "activity_01A")
        #expect(page.lastID == "activity_01C")
        #expect(page.data.map(\.id) == ["activity_01A", "activity_01B"])
        #expect(page.invalidRecords.count == 3)
        #expect(page.invalidRecords[0].reason.contains("no string \"id\""))
        #expect(page.invalidRecords[1].reason.contains("invalid created_at \"yesterday\""))
        #expect(page.invalidRecords[2].rawJSON == "42")

        let first = page.data[0]
        #expect(first.createdAt.formatted(fractionDigits: 3) == "2026-09-03T14:59:58.913Z")
        #expect(first.actor.kind == .user)
        #expect(first.actor.emailAddress == "zoë@acme.example")
        #expect(first.actor.ipAddress == "2001:db8::1")
        #expect(first.organizationID == nil)
        #expect(first.extra.members.map(\.key) == ["auth_method", "mfa_method", "amount"])
        #expect(first.extra["amount"] == .number("1.50"))
        #expect(first.rawJSON.hasPrefix(#"{"id":"activity_01A","created_at":"2026-09-03T16:59:58.913+02:00""#))
        #expect(first.rawJSON.hasSuffix(#""amount":1.50}"#))

        let second = page.data[1]
        #expect(second.type == "brand_new_type")
        #expect(second.actor.kind.rawValue == "robot_actor")
        #expect(!second.actor.kind.isDocumented)
        #expect(second.actor.fields["serial"] == .number("7"))
        #expect(second.extra["nested"]?.jsonText == #"{"k":[1,2]}"#)
    }

    /// ASCII records keep their text as a slice of the response body, others as their own string:
    /// either way the text, its length and its bytes are the original's, and an activity equals
    /// (and hashes like) the same record decoded on its own.
    @Test func originalTextSurvivesTheBodyItWasSlicedFrom() throws {
        let records = [
            #"{"id":"activity_01A","created_at":"2026-09-03T14:59:59Z","type":"claude_chat_viewed","actor":{"type":"user_actor","email_address":"a@b.example"}}"#,
            #"{"id":"activity_01B","created_at":"2026-09-03T14:59:59Z","type":"claude_chat_viewed","actor":{"type":"user_actor","email_address":"zoë@b.example"},"note":"😀"}"#,
            #"{ "id" : "activity_01C", "created_at":"2026-09-03T14:59:59Z", "type":"x", "s":"a\"b\u00e9" }"#,
        ]
        func decode() throws -> [Activity] {
            let body = #"{"data":["# + records.joined(separator: ",\n ") + #"],"has_more":false}"#
            return try CursorPage<Activity>.decode(Array(body.utf8)).data
        }
        let activities = try decode()
        #expect(activities.count == records.count)
        for (activity, record) in zip(activities, records) {
            #expect(activity.rawJSON == record)
            #expect(activity.rawJSONByteCount == record.utf8.count)
            #expect(activity.withRawJSONBytes { Array($0) } == Array(record.utf8))
            let alone = try Activity(json: record)
            #expect(activity == alone)
            #expect(activity.hashValue == alone.hashValue)
            #expect(activity.object == alone.object)
        }
        #expect(activities[0] != activities[2])
    }

    @Test func decodesAnEmptyPageWithNullIDs() throws {
        let page = try CursorPage<Activity>.decode(
            Array(#"{"data":[],"has_more":false,"first_id":null,"last_id":null}"#.utf8)
        )
        #expect(page.data.isEmpty && !page.hasMore && page.firstID == nil && page.lastID == nil)
    }

    @Test(arguments: [#"{"data":[{"id":"x""#, #"{"has_more":false}"#, #"[]"#, #"{"data":[],"has_more":"no"}"#])
    func rejectsMalformedEnvelopes(_ body: String) {
        #expect {
            try CursorPage<Activity>.decode(Array(body.utf8))
        } throws: { error in
            (error as? ComplianceAPIError)?.code == .malformedResponse
                && (error as? ComplianceAPIError)?.isRetryable == true
        }
    }

    @Test func everyDocumentedActorVariantHasItsPrincipal() throws {
        let actors: [(String, String?)] = [
            (#"{"type":"user_actor","user_id":"user_1","email_address":"a@b"}"#, "user_1"),
            (#"{"type":"api_actor","api_key_id":"apikey_1"}"#, "apikey_1"),
            (#"{"type":"admin_api_key_actor","admin_api_key_id":"apikey_2"}"#, "apikey_2"),
            (
                #"{"type":"unauthenticated_user_actor","ip_address":"1.2.3.4","unauthenticated_email_address":null}"#,
                nil
            ),
            (#"{"type":"anthropic_actor","email_address":null}"#, nil),
            (#"{"type":"system_actor","service":"retention"}"#, "retention"),
            (#"{"type":"service_account_actor","service_account_id":"svc_1"}"#, "svc_1"),
            (#"{"type":"scim_directory_sync_actor","directory_id":"dir_1","workos_event_id":"e"}"#, "dir_1"),
            (#"{"type":"federated_identity_actor","issuer":"i","subject":"s1","audience":["a"]}"#, "s1"),
            (#"{"type":"federated_actor","provider":{"type":"aws","account_id":"1"},"subject":"s2"}"#, "s2"),
            (#"{"type":"attested_device_actor","external_client_id":"c1","kid_hash":"h"}"#, "c1"),
        ]
        for (json, principal) in actors {
            let activity = try Activity(
                json: #"{"id":"a","created_at":"2026-01-01T00:00:00Z","type":"t","actor":"# + json + "}"
            )
            #expect(activity.actor.kind.isDocumented, "\(json)")
            #expect(activity.actor.principalID == principal, "\(json)")
        }
        #expect(Actor.Kind.documented.count == 11)
    }
}
