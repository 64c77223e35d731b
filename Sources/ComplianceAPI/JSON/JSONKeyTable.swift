#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Object keys the Compliance API uses, returned as string literals: a literal costs nothing to
/// create, while decoding a key from bytes validates and builds a new `String` every time, and a page
/// repeats the same few dozen keys thousands of times.
enum JSONKeyTable {
    /// The literal equal to `bytes`, or `nil` when the key is not a known one.
    static func known(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        switch bytes.count {
        case 2:
            if matches(base, "id") { return "id" }
            return nil
        case 3:
            if matches(base, "url") { return "url" }
            return nil
        case 4:
            if matches(base, "name") { return "name" }
            if matches(base, "type") { return "type" }
            return nil
        case 5:
            if matches(base, "actor") { return "actor" }
            if matches(base, "error") { return "error" }
            return nil
        case 6:
            if matches(base, "issuer") { return "issuer" }
            if matches(base, "reason") { return "reason" }
            if matches(base, "scopes") { return "scopes" }
            if matches(base, "status") { return "status" }
            return nil
        case 7:
            if matches(base, "enabled") { return "enabled" }
            if matches(base, "message") { return "message" }
            if matches(base, "role_id") { return "role_id" }
            if matches(base, "service") { return "service" }
            if matches(base, "subject") { return "subject" }
            if matches(base, "to_date") { return "to_date" }
            if matches(base, "updates") { return "updates" }
            if matches(base, "user_id") { return "user_id" }
            return nil
        case 8:
            if matches(base, "audience") { return "audience" }
            if matches(base, "filename") { return "filename" }
            if matches(base, "group_id") { return "group_id" }
            if matches(base, "kid_hash") { return "kid_hash" }
            if matches(base, "provider") { return "provider" }
            return nil
        case 9:
            if matches(base, "from_date") { return "from_date" }
            if matches(base, "role_name") { return "role_name" }
            if matches(base, "target_id") { return "target_id" }
            return nil
        case 10:
            if matches(base, "account_id") { return "account_id" }
            if matches(base, "api_key_id") { return "api_key_id" }
            if matches(base, "created_at") { return "created_at" }
            if matches(base, "ip_address") { return "ip_address" }
            if matches(base, "member_ids") { return "member_ids" }
            if matches(base, "mfa_method") { return "mfa_method" }
            if matches(base, "request_id") { return "request_id" }
            if matches(base, "user_agent") { return "user_agent" }
            if matches(base, "user_email") { return "user_email" }
            return nil
        case 11:
            if matches(base, "auth_method") { return "auth_method" }
            if matches(base, "status_code") { return "status_code" }
            if matches(base, "target_type") { return "target_type" }
            return nil
        case 12:
            if matches(base, "api_key_name") { return "api_key_name" }
            if matches(base, "directory_id") { return "directory_id" }
            if matches(base, "new_owner_id") { return "new_owner_id" }
            if matches(base, "principal_id") { return "principal_id" }
            if matches(base, "target_email") { return "target_email" }
            if matches(base, "workspace_id") { return "workspace_id" }
            return nil
        case 13:
            if matches(base, "current_value") { return "current_value" }
            if matches(base, "email_address") { return "email_address" }
            if matches(base, "invited_email") { return "invited_email" }
            return nil
        case 14:
            if matches(base, "claude_chat_id") { return "claude_chat_id" }
            if matches(base, "claude_file_id") { return "claude_file_id" }
            if matches(base, "previous_value") { return "previous_value" }
            if matches(base, "principal_type") { return "principal_type" }
            if matches(base, "project_number") { return "project_number" }
            if matches(base, "request_method") { return "request_method" }
            if matches(base, "target_user_id") { return "target_user_id" }
            return nil
        case 15:
            if matches(base, "deleted_user_id") { return "deleted_user_id" }
            if matches(base, "organization_id") { return "organization_id" }
            if matches(base, "subscription_id") { return "subscription_id" }
            if matches(base, "workos_event_id") { return "workos_event_id" }
            return nil
        case 16:
            if matches(base, "admin_api_key_id") { return "admin_api_key_id" }
            if matches(base, "signed_principal") { return "signed_principal" }
            return nil
        case 17:
            if matches(base, "claude_project_id") { return "claude_project_id" }
            if matches(base, "organization_uuid") { return "organization_uuid" }
            if matches(base, "target_user_email") { return "target_user_email" }
            return nil
        case 18:
            if matches(base, "deleted_user_email") { return "deleted_user_email" }
            if matches(base, "external_client_id") { return "external_client_id" }
            if matches(base, "service_account_id") { return "service_account_id" }
            return nil
        case 19:
            if matches(base, "idp_connection_type") { return "idp_connection_type" }
            return nil
        case 29:
            if matches(base, "unauthenticated_email_address") { return "unauthenticated_email_address" }
            return nil
        default: return nil
        }
    }

    @inline(__always)
    private static func matches(_ base: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        memcmp(base, literal.utf8Start, literal.utf8CodeUnitCount) == 0
    }
}
