import ComplianceAPI
import Foundation
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
            #expect(values["event.outcome"]?.contains(row.outcome.rawValue) == true, "\(type)")
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

    @Test("every row states an outcome its name agrees with")
    func rowOutcomes() throws {
        let fromRecord: Set = [
            "compliance_api_accessed", "platform_app_attest_authentication", "org_join_proposal_decided",
        ]
        var counts: [ECSCategorization.Outcome: Int] = [:]
        for type in ActivityMappingTable.knownTypes {
            let row = try #require(ActivityMappingTable.explicitMapping(for: type))
            counts[row.outcome, default: 0] += 1
            if ["_failed", "_denied", "_blocked", "_invalid", "_rejected"].contains(where: type.hasSuffix) {
                #expect(row.outcome == .failure, "\(type)")
            } else if ["_initiated", "_requested", "_attempted"].contains(where: type.hasSuffix)
                || fromRecord.contains(type)
            {
                #expect(row.outcome == .unknown, "\(type)")
            }
        }
        #expect(counts.values.reduce(0, +) == 483)
        #expect(counts[.success, default: 0] > 400)
    }

    @Test("the rows revisited against Elastic's integration")
    func revisitedRows() throws {
        func row(_ type: String) throws -> ActivityTypeMapping {
            try #require(ActivityMappingTable.explicitMapping(for: type), "\(type)")
        }
        let types = ActivityMappingTable.knownTypes
        let ssoAndDirectory = types.filter {
            ($0.hasPrefix("org_sso_") || $0.hasPrefix("org_directory_")) && $0 != "org_sso_scim_welcome_email_toggled"
        }
        #expect(ssoAndDirectory.count == 15)
        for type in ssoAndDirectory { #expect(try row(type).categories == [.configuration, .iam], "\(type)") }
        let federation = types.filter { $0.hasPrefix("platform_federation_") }
        #expect(federation.count == 6)
        for type in federation {
            let mapping = try row(type)
            #expect(mapping.categories == [.iam] && mapping.types.first == .admin, "\(type)")
        }
        for type in [
            "claude_artifact_created", "claude_artifact_viewed", "claude_artifact_published", "claude_project_created",
            "claude_project_viewed", "claude_chat_snapshot_created", "claude_published_artifact_deleted",
        ] {
            #expect(try row(type).categories == [.file], "\(type)")
        }
        #expect(try row("audit_log_export_accessed").types == [.access])
        #expect(try row("org_data_export_started").types == [.creation])
        #expect(try row("org_data_export_completed").categories == [.file])
        for type in [
            "claude_artifact_sharing_updated", "claude_chat_settings_updated",
            "claude_code_security_scan_schedule_updated",
        ] {
            #expect(try row(type).categories == [.configuration], "\(type)")
        }
        #expect(try row("group_member_added").types == [.group, .change])
        #expect(try row("org_user_invite_deleted").types == [.user, .deletion])
        for type in ["org_deletion_requested", "org_bulk_delete_initiated"] {
            #expect(try row(type).types == [.change], "\(type)")
            #expect(try row(type).outcome == .unknown, "\(type)")
        }
        for type in [
            "age_verified", "user_consent_recorded", "user_consent_revoked", "owned_projects_access_restored",
            "claude_pubsec_identity_configured", "claude_code_team_memory_acl_updated",
        ] {
            #expect(try row(type).categories == [.iam], "\(type)")
        }
        // Kept where ECS reads it our way: sign-ins start a session, chats stay API objects.
        #expect(try row("sso_login_succeeded").types == [.start])
        #expect(try row("claude_chat_created").types == [.creation])
    }

    @Test("an unknown type gets a row read from its name and passes through")
    func unknownTypeFallsBack() throws {
        #expect(!ActivityMappingTable.isKnown("quantum_widget_created"))
        let mapping = ActivityMappingTable.mapping(for: "quantum_widget_created")
        #expect(mapping == .fallback(for: "quantum_widget_created"))
        #expect(mapping.categories == [.api])
        #expect(mapping.types == [.creation])
        #expect(mapping.outcome == .success)
        #expect(mapping.severity == ActivityTypeMapping.fallbackSeverity)
        #expect(mapping.name == "Quantum widget created")
        #expect(
            ActivityMappingTable.mapping(for: "sso_login_failed")
                == ActivityMappingTable.explicitMapping(for: "sso_login_failed")
        )

        // The activity passes through: both encoders still write it, with the raw type as action.
        let activity = try Fixtures.activity(
            #"{"id":"a1","created_at":"2026-01-01T00:00:00Z","type":"quantum_widget_created","actor":{"type":"user_actor","email_address":"a@b.c"},"widget":{"x":1}}"#
        )
        var ecs: [UInt8] = []
        ActivityEncoder(format: .ecs).append(activity, context: .init(readTime: .now), into: &ecs)
        let document = try parseJSON(ecs)
        #expect(valueAt("event.action", in: document)?.stringValue == "quantum_widget_created")
        #expect(valueAt("event.outcome", in: document)?.stringValue == "success")
        #expect(valueAt("claude.activity.widget.x", in: document) == .number("1"))
        var cef: [UInt8] = []
        ActivityEncoder(format: .cef).append(activity, context: .init(readTime: .now), into: &cef)
        #expect(String(decoding: cef, as: UTF8.self).contains("|quantum_widget_created|Quantum widget created|5|"))
    }

    @Test("docs/mapping.md lists every row as the table has it")
    func documentedTableMatches() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/mapping.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        let table = try #require(text.range(of: "\n## The table\n")).upperBound
        var documented: [String: [String]] = [:]
        for line in text[table...].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(cells.count == 6, "\(line)")
            documented[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = Array(cells[1...4])
        }
        for type in ActivityMappingTable.knownTypes {
            let row = try #require(ActivityMappingTable.explicitMapping(for: type))
            let expected = [
                row.categories.map(\.rawValue).joined(separator: ","), row.types.map(\.rawValue).joined(separator: ","),
                row.outcome.rawValue, String(row.severity),
            ]
            #expect(documented[type] == expected, "docs/mapping.md row for \(type)")
        }
        #expect(documented.keys.filter { !ActivityMappingTable.isKnown($0) }.isEmpty)
    }
}
