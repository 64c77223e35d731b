extension ConfigurationLoader {
    static let tlsKeys = ["ca_file", "cert_file", "key_file", "server_name", "verify", "min_version"]

    /// The `tls` block of a syslog or HTTP sink. Referenced files must exist now.
    static func readTLS(_ parent: ConfigurationMapping) -> ForwarderConfiguration.TLS {
        let defaults = ForwarderConfiguration.TLS()
        guard let tls = parent.mapping("tls", allowedKeys: tlsKeys) else { return defaults }
        let caFile = tls.existingFile("ca_file")
        let certFile = tls.existingFile("cert_file")
        let keyFile = tls.existingFile("key_file")
        // Mutual TLS needs both halves; one alone is a copy-paste slip, not a choice.
        if tls.has("cert_file"), !tls.has("key_file") {
            tls.missing("key_file", "cert_file is set, so the client certificate's private key is needed too")
        }
        if tls.has("key_file"), !tls.has("cert_file") {
            tls.missing("cert_file", "key_file is set, so the client certificate is needed too")
        }
        let serverName = tls.string("server_name")
        let verify = tls.bool("verify", default: defaults.verify)
        if !verify {
            tls.warning(
                "verify",
                "certificate verification is off: anyone on the network path can read and alter events"
            )
        }
        let minimumVersion = tls.choice("min_version", default: defaults.minimumVersion)
        return ForwarderConfiguration.TLS(
            caFile: caFile,
            certFile: certFile,
            keyFile: keyFile,
            serverName: serverName,
            verify: verify,
            minimumVersion: minimumVersion
        )
    }
}
