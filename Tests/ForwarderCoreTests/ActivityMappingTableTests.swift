import ComplianceAPI
import Testing

@testable import ForwarderCore

@Suite("Activity mapping table")
struct ActivityMappingTableTests {
    @Test("every official type has an explicit row")
    func everyTypeHasARow() throws {
        let official = try TestResources.activityTypes()
        #expect(official.count == 483)
        for type in official {
            #expect(ActivityMappingTable.isKnown(type), "no row for \(type)")
            #expect(ActivityMappingTable.explicitMapping(for: type) != nil)
        }
        #expect(ActivityMappingTable.knownTypes == official.sorted())
        #expect(Set(ActivityMappingTable.knownTypes) == Set(official), "the table has rows for undocumented types")
    }

    @Test("the byte-hashed index finds exactly the rows of the table")
    func indexMatchesTheRows() {
        for (type, row) in ActivityMappingTable.rows {
            #expect(ActivityMappingTable.explicitMapping(for: type) == row, "\(type)")
            // Near misses: a prefix, an extension, another case, a non-ASCII look-alike.
            for miss in [String(type.dropLast()), type + "_", type.uppercased(), type + "\u{301}"]
            where ActivityMappingTable.rows[miss] == nil {
                #expect(!ActivityMappingTable.isKnown(miss), "\(miss)")
            }
        }
        #expect(!ActivityMappingTable.isKnown(""))
    }

    @Test("every row uses only category/type pairs ECS 9.4 expects")
    func rowsAreValidECS() throws {
        let (values, expectedTypes) = try ECSSchema.allowedValues()
        for type in ActivityMappingTable.knownTypes {
            let row = try #require(ActivityMappingTable.explicitMapping(for: type))
            #expect(!row.categories.isEmpty && !row.types.isEmpty, "\(type)")
            #expect(ECSCategorization.isValid(categories: row.categories, types: row.types), "\(type)")
            // Against the committed copy of ecs_flat.yml, not the Swift table under test.
            for category in row.categories {
                let expected = try #require(expectedTypes[category.rawValue], "\(type): unknown category \(category)")
                for eventType in row.types {
                    #expect(
                        expected.contains(eventType.rawValue),
                        "\(type): \(category)/\(eventType) not expected by ECS"
                    )
                }
            }
            #expect(Set(row.categories).count == row.categories.count, "\(type): duplicate category")
            #expect(Set(row.types).count == row.types.count, "\(type): duplicate type")
            if let outcome = row.outcome {
                #expect(values["event.outcome"]?.contains(outcome.rawValue) == true)
            }
            #expect((0...10).contains(row.severity), "\(type)")
            #expect(!row.name.isEmpty && row.name.count <= 512, "\(type)")
            #expect(!row.name.contains("_"), "\(type): name should be readable: \(row.name)")
        }
    }

    @Test("the Swift categorization table equals ecs_flat.yml")
    func categorizationMatchesSchema() throws {
        let (values, expectedTypes) = try ECSSchema.allowedValues()
        #expect(Set(ECSCategorization.Category.all.map(\.rawValue)) == values["event.category"])
        #expect(Set(ECSCategorization.EventType.all.map(\.rawValue)) == values["event.type"])
        for category in ECSCategorization.Category.all {
            let swift = Set(ECSCategorization.allowedTypes[category, default: []].map(\.rawValue))
            #expect(swift == expectedTypes[category.rawValue], "\(category)")
        }
        #expect(!ECSCategorization.isValid(categories: [.authentication], types: [.creation]))
        #expect(!ECSCategorization.isValid(categories: [], types: [.info]))
        #expect(ECSCategorization.isValid(categories: [.authentication, .session], types: [.start]))
    }

    @Test("security-relevant rows follow the severity policy")
    func severityPolicy() throws {
        func row(_ type: String) throws -> ActivityTypeMapping {
            try #require(ActivityMappingTable.explicitMapping(for: type))
        }
        let chatViewed = try row("claude_chat_viewed")
        #expect(chatViewed.severity <= 2)
        #expect(try row("sso_login_succeeded").severity == 3)
        #expect(try row("sso_login_failed").severity >= 5)
        #expect(try row("sso_login_failed").outcome == .failure)
        #expect(try row("sso_login_succeeded").outcome == .success)
        for type in [
            "api_key_created", "admin_api_key_created", "rbac_role_permission_added", "claude_user_role_updated",
        ] {
            #expect(try row(type).severity >= 6, "\(type)")
        }
        for type in [
            "org_data_export_started", "org_ip_restriction_deleted", "org_sso_connection_deleted",
            "org_compliance_api_settings_updated",
        ] {
            #expect(try row(type).severity >= 7, "\(type)")
        }
        // Every failure is at least as severe as a routine read.
        for type in ActivityMappingTable.knownTypes {
            let mapping = try row(type)
            if mapping.outcome == .failure { #expect(mapping.severity >= 3, "\(type)") }
        }
        // The spec's recommended shapes (formats.md §2.4).
        #expect(try row("sso_login_succeeded").categories == [.authentication, .session])
        #expect(try row("sso_login_succeeded").types == [.start])
        #expect(try row("scim_user_created").types == [.user, .creation])
        #expect(try row("group_created").types == [.group, .creation])
        #expect(try row("api_key_created").types == [.admin, .creation])
        #expect(try row("claude_organization_settings_updated").categories == [.configuration])
    }

    @Test("an unknown type falls back, passes through and is counted")
    func unknownTypeFallsBack() throws {
        let counter = UnknownActivityTypes()
        #expect(!ActivityMappingTable.isKnown("quantum_widget_created"))
        let mapping = ActivityMappingTable.mapping(for: "quantum_widget_created", countingUnknownIn: counter)
        #expect(mapping.categories == [.configuration])
        #expect(mapping.types == [.info])
        #expect(mapping.outcome == nil)
        #expect(mapping.severity == ActivityTypeMapping.fallbackSeverity)
        #expect(mapping.name == "Quantum widget created")
        _ = ActivityMappingTable.mapping(for: "quantum_widget_created", countingUnknownIn: counter)
        _ = ActivityMappingTable.mapping(for: "other_thing", countingUnknownIn: counter)
        _ = ActivityMappingTable.mapping(for: "sso_login_failed", countingUnknownIn: counter)
        #expect(counter.total == 3)
        #expect(counter.count(of: "quantum_widget_created") == 2)
        #expect(counter.count(of: "sso_login_failed") == 0)
        // The uncounting lookup counts nothing.
        _ = ActivityMappingTable.mapping(for: "quantum_widget_created")
        #expect(counter.total == 3)

        // The activity passes through: both encoders still write it, with the raw type as action.
        let activity = try Fixtures.activity(
            #"{"id":"a1","created_at":"2026-01-01T00:00:00Z","type":"quantum_widget_created","actor":{"type":"user_actor","email_address":"a@b.c"},"widget":{"x":1}}"#
        )
        var ecs: [UInt8] = []
        ActivityEncoder(format: .ecs, unknownTypes: counter).append(
            activity,
            context: .init(readTime: .now),
            into: &ecs
        )
        let document = try parseJSON(ecs)
        #expect(valueAt("event.action", in: document)?.stringValue == "quantum_widget_created")
        #expect(valueAt("claude.activity.widget.x", in: document) == .number("1"))
        #expect(counter.count(of: "quantum_widget_created") == 3)
        var cef: [UInt8] = []
        CEFEncoder().encode(activity, context: .init(readTime: .now), into: &cef)
        #expect(String(decoding: cef, as: UTF8.self).contains("|quantum_widget_created|Quantum widget created|5|"))
    }

    @Test("the unknown-type counter is thread-safe and bounded")
    func counterIsThreadSafe() async {
        let counter = UnknownActivityTypes(maximumTrackedTypes: 10)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<1000 { counter.record("type_\((task * 1000 + index) % 20)") }
                }
            }
        }
        let snapshot = counter.snapshot()
        #expect(snapshot.total == 8000)
        #expect(snapshot.perType.count == 10)
        #expect(snapshot.perType.values.reduce(0, +) + snapshot.untracked == 8000)
        counter.reset()
        #expect(counter.total == 0)
    }
}
