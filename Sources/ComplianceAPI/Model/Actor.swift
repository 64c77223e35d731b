/// Who performed an activity: one of the API's actor variants, discriminated by `actor.type`.
///
/// Every variant keeps its complete original object in ``fields``, so a field the API adds later,
/// or a variant this version does not know (``Kind/unknown``), passes through untouched. Typed
/// accessors read the documented fields; they return `nil` when a field is absent or `null`.
public struct Actor: Sendable, Hashable {
    /// The actor variant, as an extensible set of known values.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// The wire value of `actor.type`.
        public let rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        public static let user = Kind(rawValue: "user_actor")
        public static let api = Kind(rawValue: "api_actor")
        public static let adminAPIKey = Kind(rawValue: "admin_api_key_actor")
        public static let unauthenticatedUser = Kind(rawValue: "unauthenticated_user_actor")
        public static let anthropic = Kind(rawValue: "anthropic_actor")
        public static let system = Kind(rawValue: "system_actor")
        public static let serviceAccount = Kind(rawValue: "service_account_actor")
        public static let scimDirectorySync = Kind(rawValue: "scim_directory_sync_actor")
        public static let federatedIdentity = Kind(rawValue: "federated_identity_actor")
        public static let federated = Kind(rawValue: "federated_actor")
        public static let attestedDevice = Kind(rawValue: "attested_device_actor")

        /// The 11 variants documented today.
        public static let documented: [Kind] = [
            .user, .api, .adminAPIKey, .unauthenticatedUser, .anthropic, .system, .serviceAccount,
            .scimDirectorySync, .federatedIdentity, .federated, .attestedDevice,
        ]

        /// Whether this version of the library knows the variant.
        public var isDocumented: Bool { Self.documented.contains(self) }

        public var description: String { rawValue }
    }

    /// The actor object exactly as received.
    public let fields: JSONObject

    public init(fields: JSONObject) {
        self.fields = fields
    }

    /// `actor.type`; empty when the record had no actor or no type.
    public var kind: Kind { Kind(rawValue: fields.string("type") ?? "") }

    // Documented fields, by variant (see the API reference).
    public var emailAddress: String? { fields.string("email_address") }
    public var userID: String? { fields.string("user_id") }
    public var apiKeyID: String? { fields.string("api_key_id") }
    public var adminAPIKeyID: String? { fields.string("admin_api_key_id") }
    public var serviceAccountID: String? { fields.string("service_account_id") }
    /// Typed by the person signing in: untrusted.
    public var unauthenticatedEmailAddress: String? { fields.string("unauthenticated_email_address") }
    public var service: String? { fields.string("service") }
    public var directoryID: String? { fields.string("directory_id") }
    public var workosEventID: String? { fields.string("workos_event_id") }
    public var idpConnectionType: String? { fields.string("idp_connection_type") }
    public var issuer: String? { fields.string("issuer") }
    public var subject: String? { fields.string("subject") }
    public var audience: [String]? { fields["audience"]?.arrayValue?.compactMap(\.stringValue) }
    public var externalClientID: String? { fields.string("external_client_id") }
    public var kidHash: String? { fields.string("kid_hash") }
    /// `federated_actor.provider`, itself a union on `provider.type` (`aws`, `azure`, `gcp`, `oidc`).
    public var provider: JSONObject? { fields["provider"]?.objectValue }
    /// IPv4 or IPv6 text, when the variant carries one.
    public var ipAddress: String? { fields.string("ip_address") }
    public var userAgent: String? { fields.string("user_agent") }

    /// The stable identifier of the principal, whichever variant this is.
    public var principalID: String? {
        switch kind {
        case .user: userID
        case .api: apiKeyID
        case .adminAPIKey: adminAPIKeyID
        case .serviceAccount: serviceAccountID
        case .scimDirectorySync: directoryID
        case .federatedIdentity, .federated: subject
        case .attestedDevice: externalClientID
        case .system: service
        default: userID ?? apiKeyID ?? subject
        }
    }

    /// The human-readable name of the principal (an email address where there is one).
    public var displayName: String? {
        emailAddress ?? unauthenticatedEmailAddress ?? principalID
    }
}
