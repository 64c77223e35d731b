import ComplianceAPI

/// The mock's own copy of the API's reference data: the activity types and actor variants it
/// serves. Kept apart from the client's model and the forwarder's mapping table on purpose: a
/// mock that reads the spec through the code under test agrees with it when both are wrong.
public enum MockSpec {
    /// The documented activity types (the API reference's catalogue, 483 types), sorted.
    public static let activityTypes: [String] = catalogue.split(whereSeparator: \.isWhitespace).map(String.init)
        .sorted()

    /// The documented `actor.type` values, in the reference's order.
    public static let actorKinds: [Actor.Kind] = [
        user, api, adminAPIKey, unauthenticatedUser, anthropic, system, serviceAccount, scimDirectorySync,
        federatedIdentity, federated, attestedDevice,
    ]

    static let user = Actor.Kind(rawValue: "user_actor")
    static let api = Actor.Kind(rawValue: "api_actor")
    static let adminAPIKey = Actor.Kind(rawValue: "admin_api_key_actor")
    static let unauthenticatedUser = Actor.Kind(rawValue: "unauthenticated_user_actor")
    static let anthropic = Actor.Kind(rawValue: "anthropic_actor")
    static let system = Actor.Kind(rawValue: "system_actor")
    static let serviceAccount = Actor.Kind(rawValue: "service_account_actor")
    static let scimDirectorySync = Actor.Kind(rawValue: "scim_directory_sync_actor")
    static let federatedIdentity = Actor.Kind(rawValue: "federated_identity_actor")
    static let federated = Actor.Kind(rawValue: "federated_actor")
    static let attestedDevice = Actor.Kind(rawValue: "attested_device_actor")

    /// Separated by white space.
    private static let catalogue = """
        abuse_decision_received account_deleted admin_api_key_created admin_api_key_deleted admin_api_key_updated
        admin_connector_request_resolved admin_request_created age_verified anonymous_mobile_login_attempted
        api_key_created audit_log_export_accessed audit_log_export_started billing_emails_updated ccr_agent_created
        ccr_agent_deleted ccr_agent_proxy_credential_created ccr_agent_proxy_credential_deleted
        ccr_agent_proxy_credential_rotated ccr_agent_proxy_credential_updated ccr_agent_proxy_destination_deleted
        ccr_agent_proxy_network_events_listed ccr_agent_proxy_profile_bound ccr_agent_proxy_profile_created
        ccr_agent_proxy_profile_deleted ccr_agent_proxy_profile_unbound ccr_agent_proxy_profile_updated
        ccr_agent_proxy_provisioning_credential_rejected ccr_agent_proxy_provisioning_link_enabled
        ccr_agent_proxy_provisioning_link_generated ccr_agent_proxy_provisioning_link_revoked
        ccr_agent_proxy_provisioning_link_submitted ccr_agent_proxy_rule_deleted
        ccr_agent_slack_access_scope_created ccr_agent_slack_access_scope_deleted ccr_agent_slack_binding_created
        ccr_agent_slack_binding_deleted ccr_agent_updated ccr_role_channel_assignment_deleted
        ccr_role_channel_assignment_updated ccr_session_created ccr_session_deleted ccr_session_updated
        claude_artifact_access_failed claude_artifact_commented claude_artifact_comments_viewed
        claude_artifact_created claude_artifact_duplicated claude_artifact_published claude_artifact_sharing_updated
        claude_artifact_viewed claude_chat_access_failed claude_chat_created claude_chat_deleted
        claude_chat_deletion_failed claude_chat_settings_updated claude_chat_snapshot_created
        claude_chat_snapshot_deleted claude_chat_snapshot_viewed claude_chat_sync_source_created
        claude_chat_sync_source_deleted claude_chat_sync_source_updated claude_chat_updated claude_chat_viewed
        claude_code_credential_revoked claude_code_review_config_updated claude_code_review_repository_added
        claude_code_review_repository_removed claude_code_review_repository_updated claude_code_runner_deleted
        claude_code_runner_pool_created claude_code_runner_pool_deleted claude_code_runner_pool_secret_minted
        claude_code_runner_pool_session_queue_updated claude_code_runner_pool_updated
        claude_code_security_center_config_updated claude_code_security_scan_cancelled
        claude_code_security_scan_created claude_code_security_scan_project_member_updated
        claude_code_security_scan_project_updated claude_code_security_scan_project_visibility_updated
        claude_code_security_scan_run_updated claude_code_security_scan_schedule_deleted
        claude_code_security_scan_schedule_updated claude_code_security_vulnerability_fix_session_created
        claude_code_security_vulnerability_updated claude_code_security_webhook_created
        claude_code_security_webhook_deleted claude_code_security_webhook_secret_updated
        claude_code_security_webhook_updated claude_code_team_memory_acl_updated claude_code_team_memory_updated
        claude_code_team_onboarding_guide_updated claude_code_user_marketplaces_updated
        claude_code_user_memory_updated claude_code_user_plugins_updated claude_code_user_settings_updated
        claude_command_created claude_command_deleted claude_command_replaced
        claude_enterprise_upgrade_credit_updated claude_file_access_failed claude_file_deleted claude_file_exported
        claude_file_uploaded claude_file_viewed claude_gdrive_integration_created claude_gdrive_integration_deleted
        claude_gdrive_integration_updated claude_github_integration_created claude_github_integration_deleted
        claude_github_integration_updated claude_organization_settings_updated claude_plugin_created
        claude_plugin_deleted claude_plugin_disabled claude_plugin_enabled claude_plugin_replaced
        claude_plugin_updated claude_project_archived claude_project_created claude_project_deleted
        claude_project_document_access_failed claude_project_document_bulk_deletion_audit_truncated
        claude_project_document_deleted claude_project_document_deletion_failed claude_project_document_updated
        claude_project_document_uploaded claude_project_document_viewed claude_project_file_access_failed
        claude_project_file_bulk_deletion_audit_truncated claude_project_file_deleted
        claude_project_file_deletion_failed claude_project_file_uploaded claude_project_reported
        claude_project_sharing_updated claude_project_sync_source_created claude_project_sync_source_deleted
        claude_project_sync_source_updated claude_project_viewed claude_published_artifact_deleted
        claude_pubsec_identity_configured claude_skill_created claude_skill_deleted claude_skill_disabled
        claude_skill_enabled claude_skill_replaced claude_user_role_updated claude_user_seat_tier_updated
        claude_user_settings_updated cli_plugin_exec_policy_updated compliance_api_accessed cowork_session_updated
        design_project_artifact_published design_project_created design_project_deleted design_project_member_added
        design_project_member_removed design_project_member_role_updated design_project_published
        design_project_sharing_updated design_project_unpublished design_project_updated
        design_project_version_restored design_project_viewed desktop_extension_allowlisted
        desktop_extension_blocklisted desktop_extension_deleted desktop_extension_removed_from_allowlist
        desktop_extension_unblocked desktop_extension_uploaded desktop_extension_version_uploaded
        domain_claim_initiated end_user_invite_requested extra_usage_billing_enabled extra_usage_credit_granted
        extra_usage_spend_limit_created extra_usage_spend_limit_deleted
        extra_usage_spend_limit_increase_request_approved extra_usage_spend_limit_increase_request_denied
        extra_usage_spend_limit_updated ghe_configuration_created ghe_configuration_deleted
        ghe_configuration_updated ghe_user_connected ghe_user_disconnected ghe_webhook_signature_invalid
        github_token_import group_created group_deleted group_list_viewed group_member_added
        group_member_addition_failed group_member_list_viewed group_member_removal_failed group_member_removed
        group_project_shares_revoked group_skill_shares_revoked group_updated group_viewed group_visibility_updated
        inference_hooks_circuit_breaker_tripped inference_hooks_config_deleted inference_hooks_config_updated
        inference_hooks_request_denied inference_hooks_request_failed_open inference_hooks_signing_secret_generated
        integration_user_connected integration_user_disconnected invoice_collection_method_updated
        lti_launch_initiated lti_launch_success lti_platform_created lti_platform_updated magic_link_login_failed
        magic_link_login_initiated magic_link_login_succeeded managed_organization_setup_completed
        marketplace_created marketplace_deleted marketplace_updated marketplace_webhook_deleted
        marketplace_webhook_provisioned mcp_directory_server_published mcp_server_created mcp_server_deleted
        mcp_server_managed_auth_token_exchanged mcp_server_managed_auth_updated mcp_server_updated
        mcp_tool_policy_updated org_analytics_api_capability_updated org_bulk_delete_initiated
        org_capability_grant_added org_capability_grant_removed org_claude_code_data_sharing_disabled
        org_claude_code_data_sharing_enabled org_claude_code_desktop_disabled org_claude_code_desktop_enabled
        org_claude_code_zero_data_retention_disabled org_compliance_api_settings_updated
        org_connector_domain_guard_updated org_cowork_act_without_asking_mode_disabled
        org_cowork_act_without_asking_mode_enabled org_cowork_agent_disabled org_cowork_agent_enabled
        org_cowork_auto_mode_disabled org_cowork_auto_mode_enabled org_cowork_disabled org_cowork_enabled
        org_cowork_mcp_always_allow_disabled org_cowork_mcp_always_allow_enabled org_cowork_otlp_settings_updated
        org_cowork_remote_disabled org_cowork_remote_enabled org_creation_blocked org_data_export_accessed
        org_data_export_completed org_data_export_started org_data_residency_updated org_deleted_via_bulk
        org_deletion_requested org_directory_resync_completed org_directory_resync_failed
        org_directory_resync_started org_directory_sync_activated org_directory_sync_add_initiated
        org_directory_sync_deleted org_discoverability_disabled org_discoverability_enabled
        org_discoverability_settings_updated org_domain_add_initiated org_domain_removed org_domain_verified
        org_external_key_created org_external_key_deleted org_external_key_updated org_external_key_validated
        org_hipaa_self_serve_enabled org_invite_link_disabled org_invite_link_generated org_invite_link_regenerated
        org_invite_viewed org_invites_listed org_ip_restriction_created org_ip_restriction_deleted
        org_ip_restriction_updated org_join_proposal_decided org_join_request_approved org_join_request_created
        org_join_request_dismissed org_join_request_instant_approved org_join_requests_bulk_dismissed
        org_magic_link_second_factor_toggled org_member_invites_disabled org_member_invites_enabled
        org_members_exported org_model_default_updated org_parent_join_proposal_created org_parent_search_performed
        org_sso_add_initiated org_sso_connection_activated org_sso_connection_deactivated org_sso_connection_deleted
        org_sso_group_role_mappings_updated org_sso_provisioning_mode_changed org_sso_scim_welcome_email_toggled
        org_sso_seat_tier_assignment_toggled org_sso_seat_tier_mappings_updated org_sso_toggled
        org_sync_deleting_synchronized_files_started org_sync_synchronized_files_deleted org_taint_added
        org_taint_removed org_user_deleted org_user_invite_accepted org_user_invite_deleted org_user_invite_re_sent
        org_user_invite_rejected org_user_invite_sent org_user_left org_user_trusted_devices_revoked org_user_viewed
        org_users_listed org_work_across_apps_disabled org_work_across_apps_enabled organization_address_updated
        organization_icon_deleted organization_icon_updated owned_projects_access_restored payment_method_updated
        pending_share_created pending_share_revoked phone_code_sent phone_code_verified platform_agent_archived
        platform_agent_created platform_agent_deleted platform_agent_deployment_archived
        platform_agent_deployment_created platform_agent_deployment_deleted platform_agent_deployment_paused
        platform_agent_deployment_run_triggered platform_agent_deployment_unpaused platform_agent_deployment_updated
        platform_agent_session_archived platform_agent_session_created platform_agent_session_deleted
        platform_agent_session_resource_added platform_agent_session_resource_deleted
        platform_agent_session_resource_updated platform_agent_session_thread_archived
        platform_agent_session_updated platform_agent_updated platform_api_key_created platform_api_key_updated
        platform_app_attest_authentication platform_billing_upgraded_to_prepaid
        platform_clearance_workspace_program_request_cleared platform_clearance_workspace_program_request_set
        platform_cost_report_viewed platform_dream_archived platform_dream_cancelled platform_dream_created
        platform_federated_authentication platform_federation_issuer_archived platform_federation_issuer_updated
        platform_federation_rule_archived platform_federation_rule_updated platform_federation_rule_workspace_added
        platform_federation_rule_workspace_removed platform_file_content_downloaded platform_file_deleted
        platform_file_uploaded platform_memory_created platform_memory_deleted platform_memory_store_archived
        platform_memory_store_created platform_memory_store_deleted platform_memory_store_updated
        platform_memory_updated platform_memory_version_redacted platform_oauth_app_created
        platform_oauth_app_revoked platform_oauth_app_updated platform_plugin_directory_submission_created
        platform_plugin_directory_submission_deleted platform_plugin_directory_submission_updated
        platform_service_account_archived platform_service_account_updated
        platform_service_account_workspace_member_added platform_service_account_workspace_member_removed
        platform_service_account_workspace_member_updated platform_signing_key_created platform_signing_key_deleted
        platform_signing_key_rotated platform_skill_version_created platform_skill_version_deleted
        platform_spend_limit_alert_emails_updated platform_spend_limit_created platform_spend_limit_deleted
        platform_spend_limit_updated platform_usage_report_claude_code_viewed platform_usage_report_messages_viewed
        platform_workspace_archived platform_workspace_created platform_workspace_inference_data_retention_disabled
        platform_workspace_inference_data_retention_enabled platform_workspace_member_added
        platform_workspace_member_removed platform_workspace_member_updated platform_workspace_member_viewed
        platform_workspace_members_listed platform_workspace_rate_limit_deleted
        platform_workspace_rate_limit_updated platform_workspace_updated plugin_installation_preference_updated
        prepaid_auto_recharge_disabled prepaid_auto_recharge_updated prepaid_extra_usage_auto_reload_disabled
        prepaid_extra_usage_auto_reload_enabled prepaid_extra_usage_auto_reload_settings_updated
        primary_owner_transferred rbac_role_assigned rbac_role_created rbac_role_deleted rbac_role_permission_added
        rbac_role_permission_removed rbac_role_unassigned rbac_role_updated role_assignment_granted
        role_assignment_revoked scim_user_created scim_user_deleted scim_user_updated scoped_api_key_deleted
        scoped_api_key_updated seat_tier_changes_cancelled seat_tiers_purchased service_created service_deleted
        service_key_created service_key_revoked session_revoked session_share_accessed session_share_created
        session_share_revoked slack_workspace_claim_revoked slack_workspace_claimed social_login_succeeded
        sso_login_failed sso_login_initiated sso_login_succeeded sso_second_factor_magic_link
        step_up_authentication_failed step_up_authentication_succeeded step_up_credential_enrolled
        subscription_cancellation_scheduled subscription_quantity_updated subscription_renewed subscription_resumed
        subscription_started subscription_upgraded trusted_device_credential_rotated trusted_device_enrolled
        trusted_device_revoked tunnel_archived tunnel_certificate_added tunnel_certificate_revoked tunnel_created
        tunnel_token_minted tunnel_token_revealed tunnel_token_revoked tunnel_token_rotated user_consent_recorded
        user_consent_revoked user_logged_out verification_evidence_submitted
        verification_program_application_created workspace_member_spend_limit_created
        workspace_member_spend_limit_deleted workspace_member_spend_limit_updated
        workspace_spend_limit_alert_emails_updated workspace_spend_limit_created workspace_spend_limit_deleted
        """
}
