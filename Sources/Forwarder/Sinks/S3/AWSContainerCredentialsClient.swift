import ComplianceAPI
import ForwarderCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Temporary credentials from the container credentials endpoint: ECS task roles
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, served on `169.254.170.2`) and EKS Pod Identity or
/// other agents (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN`
/// or `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`).
///
/// As in the AWS SDKs, a full URI over plain HTTP must point at this host or at the ECS/EKS agent
/// addresses, so a mistyped variable cannot send the authorization token across a network in
/// clear text. The token file is read again for every call (EKS rotates it).
///
/// Messages name only `scheme://host:port`: the relative URI holds the task's credential id.
public struct AWSContainerCredentialsClient: Sendable, CustomStringConvertible {
    /// The full URL of the endpoint.
    public var url: String
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    public var authorizationToken: Secret?
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`; preferred over ``authorizationToken``.
    public var authorizationTokenFile: String?

    /// The hosts a plain-HTTP full URI may name besides loopback: the ECS and EKS agents.
    static let agentHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"]

    public init(url: String, authorizationToken: Secret? = nil, authorizationTokenFile: String? = nil) {
        self.url = url
        self.authorizationToken = authorizationToken
        self.authorizationTokenFile = authorizationTokenFile
    }

    public var description: String { "container endpoint \(Self.origin(url))" }

    /// Whether `url` may be called: HTTPS anywhere, HTTP only on loopback or an agent address.
    static func isAllowed(_ url: String) -> Bool {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return true }
        guard lowered.hasPrefix("http://") else { return false }
        let authority = lowered.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" }
        let host =
            authority.hasPrefix("[")
            ? String(authority.prefix { $0 != "]" }) + "]" : String(authority.prefix { $0 != ":" })
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        let loopbackIPv4 = octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        return host == "localhost" || host == "[::1]" || loopbackIPv4 || agentHosts.contains(host)
    }

    /// `scheme://host:port` of `url`, the only part of an endpoint that messages show.
    static func origin(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "<invalid URL>" }
        return String(url[..<schemeEnd.upperBound] + url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" })
    }

    /// Calls the endpoint once.
    func fetch(using transport: HTTPTransport) async throws(AWSCredentialsError) -> AWSCredentials {
        let context = ["endpoint": Self.origin(url)]
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: "compliance-forwarder/\(ComplianceClient.version)")
        let token = try readToken()
        if let token { headers.add(name: "Authorization", value: token) }
        let scrubber = SecretScrubber(token.map { [$0] } ?? [])
        let reply: HTTPReply
        do {
            reply = try await transport.send(url: url, method: .GET, headers: headers, body: [])
        } catch {
            let reason = (error as? HTTPSinkError)?.message ?? "\(error)"
            throw AWSCredentialsError(
                .unavailable,
                "container credentials endpoint: \(scrubber.scrub(reason))",
                context: context
            )
        }
        let object = (try? JSONParser.parse(reply.body))?.objectValue
        guard (200..<300).contains(reply.status) else {
            let reason = object?.string("message") ?? object?.string("Message") ?? object?.string("code")
            let detail = reason.map { ": " + String(scrubber.scrub($0).prefix(300)) } ?? ""
            let retryable = reply.status == 429 || reply.status >= 500
            throw AWSCredentialsError(
                retryable ? .unavailable : .refused,
                "container credentials endpoint answered \(reply.status)\(detail)",
                context: context.merging(["status": String(reply.status)]) { $1 }
            )
        }
        guard let accessKeyID = object?.string("AccessKeyId"), let secret = object?.string("SecretAccessKey") else {
            throw AWSCredentialsError(
                .malformedReply,
                "container credentials endpoint answered \(reply.status) without AccessKeyId and SecretAccessKey",
                context: context
            )
        }
        return AWSCredentials(
            accessKeyID: accessKeyID,
            secretAccessKey: Secret(secret),
            sessionToken: object?.string("Token").map(Secret.init),
            expiration: object?.string("Expiration").flatMap { RFC3339Timestamp($0) },
            source: "container"
        )
    }

    /// The `Authorization` value: the token file's contents, else the token variable.
    private func readToken() throws(AWSCredentialsError) -> String? {
        var token = authorizationToken?.withValue { $0 }
        if let authorizationTokenFile {
            guard let data = FileManager.default.contents(atPath: authorizationTokenFile) else {
                throw AWSCredentialsError(
                    .configuration,
                    "cannot read the file named by AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    context: ["file": authorizationTokenFile]
                )
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token, !token.isEmpty else { return nil }
        guard !token.contains(where: \.isNewline) else {
            throw AWSCredentialsError(.configuration, "the container authorization token contains a line break")
        }
        return token
    }
}
