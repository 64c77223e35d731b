import ComplianceAPI
import ForwarderCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Temporary credentials from STS `AssumeRoleWithWebIdentity`, for a web identity token in a file
/// (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`: EKS IAM roles for service accounts).
///
/// The call is unsigned (the token is the proof). The token file is read again for every call:
/// the kubelet rotates it. The token travels in a form-encoded `POST` body, never in the URL.
/// STS answers in XML; the few leaves needed are read by ``AWSXMLLeaves``.
///
/// Errors never hold the token or the returned secrets: STS's own message is scrubbed of the
/// token and cut to 300 characters.
public struct AWSWebIdentityClient: Sendable, CustomStringConvertible {
    /// The STS endpoint, e.g. `https://sts.eu-west-1.amazonaws.com`.
    public var endpoint: String
    /// The role to assume.
    public var roleARN: String
    /// `AWS_ROLE_SESSION_NAME`, or a name derived from the time of the call.
    public var sessionName: String?
    /// The file holding the web identity token (a JWT).
    public var tokenFile: String

    /// STS error codes that clear up by themselves (AWS SDKs retry them too).
    static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "IDPCommunicationError", "InternalFailure",
        "ServiceUnavailable",
    ]

    public init(endpoint: String, roleARN: String, sessionName: String? = nil, tokenFile: String) {
        self.endpoint = endpoint
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.tokenFile = tokenFile
    }

    public var description: String {
        "web identity (role \(roleARN), token file \(tokenFile), STS \(AWSContainerCredentialsClient.origin(endpoint)))"
    }

    /// Calls STS once.
    func fetch(
        using transport: HTTPTransport,
        now: RFC3339Timestamp
    ) async throws(AWSCredentialsError) -> AWSCredentials {
        let token = try readToken()
        // A server quoting the request back quotes the form-encoded token.
        let scrubber = SecretScrubber([token, AWSSigner.uriEncode(token, keepingSlash: false)])
        let session = sessionName ?? "compliance-forwarder-\(now.secondsSinceEpoch)"
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
            ("RoleSessionName", session), ("WebIdentityToken", token),
        ]
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")
        headers.add(name: "Accept", value: "application/xml")
        headers.add(name: "User-Agent", value: "compliance-forwarder/\(ComplianceClient.version)")
        let context = ["endpoint": AWSContainerCredentialsClient.origin(endpoint), "role": roleARN]
        let reply: HTTPReply
        do {
            reply = try await transport.send(
                url: endpoint,
                headers: headers,
                body: Array(
                    form.map { "\($0.0)=\(AWSSigner.uriEncode($0.1, keepingSlash: false))" }.joined(separator: "&").utf8
                )
            )
        } catch {
            throw AWSCredentialsError(
                .unavailable,
                "STS AssumeRoleWithWebIdentity: \(scrubber.scrub((error as? HTTPSinkError)?.message ?? "\(error)"))",
                context: context
            )
        }
        let xml = String(decoding: reply.body, as: UTF8.self)
        guard (200..<300).contains(reply.status) else {
            throw Self.failure(status: reply.status, xml: xml, scrubber: scrubber, context: context)
        }
        guard let accessKeyID = AWSXMLLeaves.first("AccessKeyId", in: xml),
            let secret = AWSXMLLeaves.first("SecretAccessKey", in: xml),
            let sessionToken = AWSXMLLeaves.first("SessionToken", in: xml),
            let expiration = AWSXMLLeaves.first("Expiration", in: xml).flatMap({ RFC3339Timestamp($0) })
        else {
            throw AWSCredentialsError(
                .malformedReply,
                "STS answered \(reply.status) without AccessKeyId, SecretAccessKey, SessionToken and Expiration",
                context: context.merging(["status": String(reply.status)]) { $1 }
            )
        }
        return AWSCredentials(
            accessKeyID: accessKeyID,
            secretAccessKey: Secret(secret),
            sessionToken: Secret(sessionToken),
            expiration: expiration,
            source: "web-identity"
        )
    }

    private func readToken() throws(AWSCredentialsError) -> String {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw AWSCredentialsError(
                .configuration,
                "cannot read the web identity token file named by AWS_WEB_IDENTITY_TOKEN_FILE",
                context: ["file": tokenFile]
            )
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw AWSCredentialsError(
                .configuration,
                "the web identity token file is empty",
                context: ["file": tokenFile]
            )
        }
        return token
    }

    /// An STS `<ErrorResponse>`: its `Code` decides, its `Message` explains.
    static func failure(
        status: Int,
        xml: String,
        scrubber: SecretScrubber,
        context: [String: String]
    ) -> AWSCredentialsError {
        let code = AWSXMLLeaves.first("Code", in: xml) ?? "HTTP \(status)"
        let detail = AWSXMLLeaves.first("Message", in: xml).map { ": " + String(scrubber.scrub($0).prefix(300)) } ?? ""
        let retryable = status == 429 || status >= 500 || retryableCodes.contains(code)
        return AWSCredentialsError(
            retryable ? .unavailable : .refused,
            "STS refused AssumeRoleWithWebIdentity (\(code))\(detail)"
                + (retryable ? "" : " — check AWS_ROLE_ARN, the role's trust policy and the token's audience"),
            context: context.merging(["status": String(status)]) { $1 }
        )
    }
}
