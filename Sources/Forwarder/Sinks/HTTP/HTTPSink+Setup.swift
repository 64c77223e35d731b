import ComplianceAPI
import ForwarderCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turning the configuration into a dialect, URLs and headers, once, before the sink runs.
extension HTTPSink {
    struct Parts {
        var dialect: any HTTPDialect
        var settings: HTTPDelivery.Settings
        var scrubber: SecretScrubber
    }

    /// `mode: otlp`: the collector's base URL with the logs path appended, as
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is read, unless the URL already ends with it.
    static func otlpLogsPath(_ url: String) -> [String] {
        var path = URLComponents(string: url)?.percentEncodedPath ?? ""
        while path.hasSuffix("/") { path.removeLast() }
        return path.hasSuffix(ForwarderConfiguration.HTTPSink.OTLP.logsPath) ? [] : ["v1", "logs"]
    }

    /// `_bulk` replies trimmed to what the sink reads (statuses and errors, not whole documents'
    /// metadata), which keeps a 1000-item reply small.
    static let bulkFilterPath = "errors,items.*._id,items.*.status,items.*.error.type,items.*.error.reason"

    static func makeParts(
        name: String = "check",
        configuration: ForwarderConfiguration.HTTPSink,
        encoder: EventEncoder,
        options: Options
    ) throws(HTTPSinkError) -> Parts {
        let serverName = configuration.tls.serverName
        let format = encoder.formatter.format
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "compliance-forwarder/\(ComplianceClient.version)")
        headers.add(name: "Accept", value: "application/json")
        var secrets: [String] = []
        var indexerAcks: HTTPDelivery.IndexerAckSettings?
        var entra: HTTPDelivery.EntraSettings?
        var otlpStatistics: OTLPSinkStatistics?

        let dialect: any HTTPDialect
        let endpoint: HTTPEndpoint
        switch configuration.mode {
        case .splunkHEC:
            guard let token = configuration.token, !token.isEmpty else {
                throw HTTPSinkError(code: .setup, message: "splunk_hec needs a token")
            }
            token.withValue { value in
                headers.add(name: "Authorization", value: "Splunk \(value)")
                secrets.append(value)
            }
            endpoint = try HTTPEndpoint(configuration.url, serverName: serverName)
            dialect = SplunkHECDialect(
                encoder: encoder,
                envelope: SplunkHECEncoder(
                    host: configuration.host,
                    source: configuration.source,
                    sourcetype: configuration.sourcetype,
                    index: configuration.index,
                    eventIsJSON: format.isJSON
                ),
                usesIndexerAcks: configuration.ack.isEnabled
            )
            if configuration.ack.isEnabled {
                let channel = configuration.ack.channel ?? UUID().uuidString.lowercased()
                headers.add(name: "X-Splunk-Request-Channel", value: channel)
                indexerAcks = HTTPDelivery.IndexerAckSettings(
                    endpoint: try HTTPEndpoint(
                        configuration.url,
                        query: [("channel", channel)],
                        replacingPathSuffix: ("/services/collector", "/services/collector/ack"),
                        serverName: serverName
                    ),
                    headers: HTTPHeaders(),
                    timeout: configuration.ack.timeout,
                    pollInterval: configuration.ack.pollInterval,
                    maximumPendingEvents: max(1, options.maximumUnacknowledgedEvents)
                )
            }
        case .elasticsearch:
            guard format.isJSON else {
                throw HTTPSinkError(
                    code: .setup,
                    message: "elasticsearch indexes JSON documents: use format ecs or raw"
                )
            }
            let index = configuration.index ?? ForwarderConfiguration.HTTPSink.defaultElasticsearchIndex
            let inAction = options.elasticsearchIndexInAction
            endpoint = try HTTPEndpoint(
                configuration.url,
                appendingPath: inAction ? ["_bulk"] : [index, "_bulk"],
                query: [("filter_path", bulkFilterPath)],
                serverName: serverName
            )
            dialect = ElasticsearchDialect(
                encoder: encoder,
                bulk: BulkRequestEncoder(indexInAction: inAction ? index : nil)
            )
            if let apiKey = configuration.apiKey {
                apiKey.withValue { value in
                    headers.add(name: "Authorization", value: "ApiKey \(value)")
                    secrets.append(value)
                }
            }
        case .azureMonitor:
            guard let azure = configuration.azureMonitor else {
                throw HTTPSinkError(
                    code: .setup,
                    message: "azure_monitor needs dcr_immutable_id, stream, tenant_id and client_id"
                )
            }
            endpoint = try HTTPEndpoint(
                configuration.url,
                appendingPath: ["dataCollectionRules", azure.dataCollectionRuleID, "streams", azure.stream],
                query: [("api-version", ForwarderConfiguration.HTTPSink.AzureMonitor.apiVersion)],
                serverName: serverName
            )
            dialect = AzureMonitorDialect()
            entra = try Self.entraCredential(azure, federatedTokenFile: options.federatedTokenFile)
            if case .secret(let secret) = entra?.credential { secret.withValue { secrets.append($0) } }
        case .otlp:
            endpoint = try HTTPEndpoint(
                configuration.url,
                appendingPath: Self.otlpLogsPath(configuration.url),
                serverName: serverName
            )
            dialect = OTLPDialect(encoding: configuration.otlp?.encoding ?? .protobuf)
            otlpStatistics = OTLPSinkStatistics(sink: name)
        default:
            endpoint = try HTTPEndpoint(configuration.url, serverName: serverName)
            dialect = WebhookDialect(encoder: encoder, arrayBody: configuration.bodyFormat == .jsonArray)
        }

        // Basic credentials only where the mode set none (the loader forbids the mix anyway).
        if let username = configuration.username, let password = configuration.password,
            headers["Authorization"].isEmpty
        {
            password.withValue { value in
                let credentials = SecretScrubber.basicCredentials(username: username, password: value)
                headers.add(name: "Authorization", value: "Basic \(credentials)")
                secrets += [value, credentials]
            }
        }
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            value.withValue { text in
                headers.replaceOrAdd(name: name, value: text)
                secrets.append(text)
            }
        }
        headers.replaceOrAdd(name: "Content-Type", value: dialect.contentType)

        var signer: WebhookSigner?
        if let hmac = configuration.hmac {
            hmac.secret.withValue { value in
                signer = WebhookSigner(secret: Array(value.utf8), header: hmac.header)
                secrets.append(value)
            }
        }
        if var poll = indexerAcks {
            // The poll carries the same credentials and channel; its body is always JSON.
            poll.headers = headers
            poll.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            indexerAcks = poll
        }

        secrets += Self.urlSecrets(configuration.url)
        var backoff = configuration.retry.retryPolicy
        backoff.jitter = min(max(options.jitter, 0), 1)
        return Parts(
            dialect: dialect,
            settings: HTTPDelivery.Settings(
                endpoint: endpoint,
                headers: headers,
                gzipLevel: configuration.gzip ? options.gzipLevel : nil,
                signer: signer,
                backoff: backoff,
                unhealthyAfterFailures: max(1, options.unhealthyAfterFailures),
                maximumRejectionStreak: max(1, options.maximumRejectionStreak),
                indexerAcks: indexerAcks,
                entra: entra,
                otlpStatistics: otlpStatistics
            ),
            scrubber: SecretScrubber(secrets)
        )
    }

    /// The client secret, else workload identity's federated token file.
    static func entraCredential(
        _ azure: ForwarderConfiguration.HTTPSink.AzureMonitor,
        federatedTokenFile: String?
    ) throws(HTTPSinkError) -> HTTPDelivery.EntraSettings {
        if let secret = azure.clientSecret {
            return HTTPDelivery.EntraSettings(azure: azure, credential: .secret(secret))
        }
        guard let path = federatedTokenFile, !path.isEmpty else {
            throw HTTPSinkError(
                code: .setup,
                message:
                    "azure_monitor needs client_secret or client_secret_file, or workload identity "
                    + "(AZURE_FEDERATED_TOKEN_FILE, set by AKS in pods with azure.workload.identity/use)"
            )
        }
        return HTTPDelivery.EntraSettings(azure: azure, credential: .federatedTokenFile(path))
    }

    /// Parts of a URL that may be credentials, for the scrubber: query values and long path
    /// segments (`/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX`-style webhook tokens). A
    /// receiver's error page that quotes the request line must not put them in a log.
    static func urlSecrets(_ url: String) -> [String] {
        guard let components = URLComponents(string: url) else { return [] }
        var secrets: [String] = []
        if let query = components.percentEncodedQuery, !query.isEmpty {
            secrets.append(query)
            for item in components.queryItems ?? [] {
                if let value = item.value { secrets.append(value) }
            }
            for pair in query.split(separator: "&") {
                if let value = pair.split(separator: "=", maxSplits: 1).dropFirst().first {
                    secrets.append(String(value))
                }
            }
        }
        for segment in components.percentEncodedPath.split(separator: "/") where segment.count >= 16 {
            secrets.append(String(segment))
        }
        return secrets
    }
}
