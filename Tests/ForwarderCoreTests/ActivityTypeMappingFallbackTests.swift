import Testing

@testable import ForwarderCore

@Suite("Rows read from the names of unknown types")
struct ActivityTypeMappingFallbackTests {
    /// Invented names: each verb suffix and each subject word at least once.
    static let cases:
        [(String, [ECSCategorization.Category], [ECSCategorization.EventType], ECSCategorization.Outcome)] = [
            // Verb suffixes on a subject-less name.
            ("some_new_widget_created", [.api], [.creation], .success),
            ("some_new_widget_added", [.api], [.creation], .success),
            ("some_new_widget_deleted", [.api], [.deletion], .success),
            ("some_new_widget_removed", [.api], [.deletion], .success),
            ("some_new_widget_revoked", [.api], [.deletion], .success),
            ("some_new_widget_updated", [.api], [.change], .success),
            ("some_new_widget_changed", [.api], [.change], .success),
            ("some_new_widget_toggled", [.api], [.change], .success),
            ("some_new_widget_viewed", [.api], [.access], .success),
            ("some_new_widget_listed", [.api], [.access], .success),
            ("some_new_widget_accessed", [.api], [.access], .success),
            ("some_new_widget_downloaded", [.api], [.access], .success),
            ("some_new_widget_failed", [.api], [.info], .failure),
            ("some_new_widget_denied", [.api], [.info], .failure),
            ("some_new_widget_initiated", [.api], [.info], .unknown),
            ("some_new_widget_requested", [.api], [.info], .unknown),
            ("some_new_widget_frobnicated", [.api], [.info], .success),
            // Subject words.
            ("partner_login_failed", [.authentication], [.start], .failure),
            ("partner_login_initiated", [.authentication], [.start], .unknown),
            ("partner_sso_connection_created", [.configuration], [.creation], .success),
            ("partner_mfa_enrolled", [.authentication], [.info], .success),
            ("partner_logout", [.authentication], [.info], .success),
            ("partner_role_granted", [.iam], [.user, .info], .success),
            ("partner_member_removed", [.iam], [.user, .deletion], .success),
            ("partner_group_created", [.iam], [.group, .creation], .success),
            ("partner_invite_updated", [.iam], [.user, .change], .success),
            ("partner_user_viewed", [.iam], [.user, .info], .success),
            ("partner_key_created", [.iam], [.admin, .creation], .success),
            ("partner_token_revoked", [.iam], [.admin, .deletion], .success),
            ("partner_permission_added", [.iam], [.admin, .creation], .success),
            ("partner_group_member_added", [.iam], [.group, .creation], .success),
            ("partner_file_downloaded", [.file], [.access], .success),
            ("partner_document_deleted", [.file], [.deletion], .success),
            ("partner_export_requested", [.file], [.info], .unknown),
            ("partner_setting_changed", [.configuration], [.change], .success),
            ("partner_config_created", [.configuration], [.creation], .success),
            ("partner_policy_viewed", [.configuration], [.access], .success),
            ("partner_settings_updated", [.configuration], [.change], .success),
            // The families of recent SDK releases.
            ("ccr_agent_proxy_token_rotated", [.iam], [.admin, .change], .success),
            ("platform_agent_runtime_deleted", [.api], [.deletion], .success),
            ("inference_hooks_policy_updated", [.configuration], [.change], .success),
            // Edge cases: no words, one word.
            ("", [.api], [.info], .success),
            ("deleted", [.api], [.deletion], .success),
        ]

    @Test("each suffix and subject word gives the expected allowed pair and outcome", arguments: cases)
    func derivedRows(
        name: String,
        categories: [ECSCategorization.Category],
        types: [ECSCategorization.EventType],
        outcome: ECSCategorization.Outcome
    ) throws {
        #expect(!ActivityMappingTable.isKnown(name))
        let row = ActivityMappingTable.mapping(for: name)
        #expect(row.categories == categories)
        #expect(row.types == types)
        #expect(row.outcome == outcome)
        #expect(row.severity == ActivityTypeMapping.fallbackSeverity)
        #expect(ECSCategorization.isValid(categories: row.categories, types: row.types))
        // Against the committed copy of ecs_flat.yml, not the Swift table under test.
        let (values, expectedTypes) = try ECSSchema.allowedValues()
        for category in row.categories {
            for type in row.types {
                #expect(expectedTypes[category.rawValue]?.contains(type.rawValue) == true, "\(category)/\(type)")
            }
        }
        #expect(values["event.outcome"]?.contains(row.outcome.rawValue) == true)
    }

    @Test("every combination of subject word and suffix is allowed by ECS")
    func everyCombinationIsAllowed() {
        let subjects = [
            "widget", "login", "sso", "mfa", "role", "member", "group", "invite", "user", "key", "token", "permission",
            "file", "document", "export", "setting", "config", "policy",
        ]
        let suffixes = [
            "", "created", "added", "generated", "uploaded", "deleted", "removed", "revoked", "archived", "updated",
            "changed", "toggled", "enabled", "disabled", "rotated", "replaced", "viewed", "listed", "accessed",
            "downloaded", "exported", "failed", "denied", "blocked", "rejected", "invalid", "initiated", "requested",
            "attempted",
        ]
        for subject in subjects {
            for suffix in suffixes {
                let name = suffix.isEmpty ? "new_\(subject)" : "new_\(subject)_\(suffix)"
                let row = ActivityTypeMapping.fallback(for: name)
                #expect(ECSCategorization.isValid(categories: row.categories, types: row.types), "\(name)")
            }
        }
    }
}
