import ComplianceAPI

extension ActivityGenerator {
    /// Writes the `actor` object of `kind`, members in the order the API uses.
    static func writeActor(_ kind: Actor.Kind, random: inout SplitMix64, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"type":"#.utf8)
        bytes.append(contentsOf: FieldValue.json(kind.rawValue))
        // Drawn for every variant so that the stream stays aligned whichever members are written.
        let ip = pick(ipAddresses, &random)
        let agent = pick(userAgents, &random)
        func key(_ name: StaticString) {
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            bytes.append(contentsOf: "\":".utf8)
        }
        func tagged(_ name: StaticString, _ prefix: String) {
            key(name)
            writeTaggedID(prefix, random: &random, into: &bytes)
        }
        func value(_ name: StaticString, _ json: [UInt8]) {
            key(name)
            bytes.append(contentsOf: json)
        }
        let null = Array("null".utf8)
        switch kind {
        case MockSpec.user:
            value("email_address", pick(emails, &random))
            tagged("user_id", "user_")
            value("ip_address", ip)
            value("user_agent", agent)
        case MockSpec.api:
            tagged("api_key_id", "apikey_")
            value("ip_address", ip)
            value("user_agent", agent)
        case MockSpec.adminAPIKey:
            tagged("admin_api_key_id", "apikey_")
            value("ip_address", ip)
            value("user_agent", agent)
        case MockSpec.unauthenticatedUser:
            value("ip_address", ip)
            value("user_agent", agent)
            value("unauthenticated_email_address", random.next() % 3 == 0 ? null : pick(emails, &random))
        case MockSpec.anthropic:
            value("email_address", null)
        case MockSpec.system:
            value("service", random.next() % 4 == 0 ? null : FieldValue.json("data-retention"))
        case MockSpec.serviceAccount:
            tagged("service_account_id", "svcacct_")
            value("ip_address", ip)
            value("user_agent", agent)
        case MockSpec.scimDirectorySync:
            tagged("directory_id", "directory_")
            tagged("workos_event_id", "event_")
            value("idp_connection_type", FieldValue.json(random.next() % 2 == 0 ? "OktaSCIMV2" : "AzureSCIMV2"))
        case MockSpec.federatedIdentity:
            value("issuer", FieldValue.json("https://token.actions.githubusercontent.com"))
            value("subject", FieldValue.json("repo:acme/infra:ref:refs/heads/main"))
            value("audience", Array(#"["https://api.anthropic.com"]"#.utf8))
            value("ip_address", random.next() % 4 == 0 ? null : ip)
            value("user_agent", random.next() % 4 == 0 ? null : agent)
        case MockSpec.federated:
            let oidcIssuer = random.next() % 3 == 0 ? "null" : #""https://idp.example""#
            let providers = federatedProviders + [#"{"type":"oidc","issuer":"# + oidcIssuer + "}"]
            value("provider", Array(pick(providers, &random).utf8))
            value("subject", FieldValue.json("workload/batch-7"))
            value("ip_address", ip)
            value("user_agent", null)
        case MockSpec.attestedDevice:
            tagged("external_client_id", "client_")
            value("kid_hash", FieldValue.json("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
            value("ip_address", ip)
            value("user_agent", FieldValue.json("Claude/1.250912 (iPhone; iOS 19.0)"))
        default:
            break
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// A prefixed id such as `user_01…` with 22 random base58 characters, as a JSON string.
    static func writeTaggedID(_ prefix: String, random: inout SplitMix64, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: prefix.utf8)
        bytes.append(contentsOf: "01".utf8)
        for _ in 0..<22 {
            bytes.append(ActivityID.alphabet[Int(random.next() % 58)])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let federatedProviders = [
        #"{"type":"aws","account_id":"123456789012","signed_principal":"arn:aws:sts::123456789012:assumed-role/audit/session"}"#,
        #"{"type":"azure","subscription_id":"0b1f6471-1bf0-4dda-aec3-cb9272f09590"}"#,
        #"{"type":"gcp","project_number":"491012304561"}"#,
    ]

    // Value pools, JSON-encoded once.
    static let organizations: [(id: [UInt8], uuid: [UInt8])] = [
        ("org_01Hq4bS6kV8mW2xYz3RtPq7N", "5b0e7f2c-3a1d-4c8e-9f6b-2d7a1e0c4b93"),
        ("org_01Jx9cT2aL5nB8vQw4EuRm3K", "c2d4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f"),
        ("org_01Mk7dU3bP6oC9wRx5FvSn4L", "9e8d7c6b-5a4f-4e3d-a2c1-b0a9f8e7d6c5"),
    ].map { (FieldValue.json($0.0), FieldValue.json($0.1)) }
    static let emails = [
        "alice@acme.example", "zoë.müller@acme.example", "bob+audit@acme.example", "李雷@acme.example",
        "o'brien@acme.example", "admin=root@acme.example",
    ].map(FieldValue.json)
    static let ipAddresses = [
        "203.0.113.7", "198.51.100.23", "2001:db8:85a3::8a2e:370:7334", "2001:db8::1", "192.0.2.146",
    ].map(FieldValue.json)
    static let userAgents = [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
        "Claude/1.250912 (Macintosh; macOS 15.5)",
        "siem-forwarder/0.1 (Swift; Linux x86_64)",
        "curl/8.5.0",
        "python-httpx/0.27 | custom=agent \\ v2",
    ].map(FieldValue.json)
    static let names = [
        "Quarterly report", "Ops | on-call", "a=b c=d", "C:\\Temp\\keys", "line1\nline2", "tab\there",
        "Éléphant 🐘 notes", "quote \" and ] bracket", "   padded   ",
    ].map(FieldValue.json)
    static let filenames = [
        "report.pdf", "Q3 | results=final.xlsx", "C:\\Users\\bob\\notes.txt", "résumé 2026.docx",
        "multi\nline.txt", "😀.png", "",
    ].map(FieldValue.json)
}
