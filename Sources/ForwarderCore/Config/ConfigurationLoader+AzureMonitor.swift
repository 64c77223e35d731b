extension ConfigurationLoader {
    /// The keys of `mode: azure_monitor`.
    static let azureMonitorKeys = [
        "dcr_immutable_id", "stream", "tenant_id", "client_id", "client_secret", "client_secret_file", "authority",
    ]

    /// The `mode: azure_monitor` keys; `nil` (with the problems reported) when one is missing or wrong.
    static func readAzureMonitor(_ sink: ConfigurationMapping) -> HTTPSink.AzureMonitor? {
        let ruleID = sink.string("dcr_immutable_id")
        if ruleID == nil {
            sink.missing(
                "dcr_immutable_id",
                "the data collection rule's immutable id, e.g. dcr-0123456789abcdef0123456789abcdef"
            )
        } else if let ruleID, !isDataCollectionRuleID(ruleID) {
            sink.error(
                "dcr_immutable_id",
                "expected dcr- followed by 32 hex digits (the rule's immutableId), got '\(ruleID)'"
            )
        }
        let stream = sink.string("stream")
        if stream == nil {
            sink.missing("stream", "the rule's input stream, e.g. Custom-ClaudeComplianceActivity")
        } else if let stream, !stream.hasPrefix("Custom-") || stream.count == "Custom-".count {
            sink.error("stream", "expected the custom stream of the rule, Custom-<name>, got '\(stream)'")
        }
        let tenantID = sink.string("tenant_id")
        if tenantID == nil {
            sink.missing("tenant_id", "the Entra tenant id (a GUID) or domain (contoso.onmicrosoft.com)")
        } else if let tenantID, !isGUID(tenantID), !isTenantDomain(tenantID) {
            sink.error("tenant_id", "expected a GUID or a domain such as contoso.onmicrosoft.com, got '\(tenantID)'")
        }
        let clientID = sink.string("client_id")
        if clientID == nil {
            sink.missing("client_id", "the application (client) id of the app registration, a GUID")
        } else if let clientID, !isGUID(clientID) {
            sink.error("client_id", "expected the application (client) id, a GUID, got '\(clientID)'")
        }
        // Without a secret the sink uses workload identity (AZURE_FEDERATED_TOKEN_FILE), checked
        // when the sink starts: the file only exists inside the pod.
        let secret = sink.secret("client_secret", fileKey: "client_secret_file", required: false, rule: .token)
        var authority = HTTPSink.AzureMonitor.defaultAuthority
        if sink.has("authority"), let url = sink.url("authority", allowQuery: false) {
            if !url.isHTTPS, !url.isLoopback {
                sink.error("authority", "must be https:// (the client secret is sent to it)")
            }
            authority = url.text
            while authority.hasSuffix("/") { authority.removeLast() }
        }
        guard let ruleID, let stream, let tenantID, let clientID else { return nil }
        return HTTPSink.AzureMonitor(
            dataCollectionRuleID: ruleID,
            stream: stream,
            tenantID: tenantID,
            clientID: clientID,
            clientSecret: secret.map(Secret.init),
            authority: authority
        )
    }

    static func isDataCollectionRuleID(_ text: String) -> Bool {
        text.hasPrefix("dcr-") && text.count == 36 && text.dropFirst(4).allSatisfy(\.isHexDigit)
    }

    static func isTenantDomain(_ text: String) -> Bool {
        text.contains(".") && !text.hasPrefix(".") && !text.hasSuffix(".")
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }
}
