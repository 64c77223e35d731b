extension ForwarderConfiguration.HTTPSink {
    /// `mode: azure_monitor`: where the Logs Ingestion API stores rows, and how the sink gets an
    /// Entra ID token for it (OAuth2 client credentials: a client secret, or a federated token
    /// file as AKS workload identity provides).
    public struct AzureMonitor: Sendable, Hashable {
        /// `dcr_immutable_id`: the data collection rule's immutable id (`dcr-` and 32 hex digits).
        public var dataCollectionRuleID: String
        /// `stream`: the rule's input stream (`Custom-ClaudeComplianceActivity`).
        public var stream: String
        /// `tenant_id`: the Entra tenant (GUID or domain).
        public var tenantID: String
        /// `client_id`: the application (client) id of the app registration or managed identity.
        public var clientID: String
        /// `client_secret` or `client_secret_file`; `nil` means workload identity: the client
        /// assertion is read from the file named by `AZURE_FEDERATED_TOKEN_FILE`.
        public var clientSecret: Secret?
        /// `authority`: the Entra authority host; another for sovereign clouds
        /// (`https://login.microsoftonline.us`, `https://login.chinacloudapi.cn`).
        public var authority: String

        /// Microsoft Entra ID in the public cloud.
        public static let defaultAuthority = "https://login.microsoftonline.com"
        /// The only `api-version` of the Logs Ingestion API.
        public static let apiVersion = "2023-01-01"
        /// The OAuth2 scope of the Logs Ingestion API (the double slash is Azure's).
        public static let scope = "https://monitor.azure.com//.default"

        /// - Parameters:
        ///   - dataCollectionRuleID: The DCR immutable id.
        ///   - stream: The DCR stream name.
        ///   - tenantID: The Entra tenant.
        ///   - clientID: The application (client) id.
        ///   - clientSecret: Defaults to workload identity.
        ///   - authority: Defaults to ``defaultAuthority``.
        public init(
            dataCollectionRuleID: String,
            stream: String,
            tenantID: String,
            clientID: String,
            clientSecret: Secret? = nil,
            authority: String = AzureMonitor.defaultAuthority
        ) {
            self.dataCollectionRuleID = dataCollectionRuleID
            self.stream = stream
            self.tenantID = tenantID
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.authority = authority
        }
    }
}
