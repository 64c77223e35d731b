import ComplianceAPI
import ForwarderCore
import Foundation
import InMemoryLogging
import Logging
import Testing

@testable import Forwarder

/// Secret access keys, session tokens, web identity tokens and container authorization tokens
/// never reach descriptions, errors or logs — not even when STS or the container agent quote the
/// whole request back.
@Suite struct AWSSecretTests {
    static let secretKey = "AWSSECRETscanKEY/0123456789+abcdefEXAMPLE"
    static let sessionToken = "AWSSESSIONscanTOKEN//////////wEaEXAMPLE="
    /// `+`, `/` and `=` are form-encoded on the wire: the echo carries the encoded form.
    static let webIdentityToken = "eyJWEBIDENTITYscan.payload+/=.signature"
    static let containerToken = "CONTAINERscanAUTHORIZATION-0123456789"
    static let secrets = [
        secretKey, sessionToken, webIdentityToken, containerToken,
        AWSSigner.uriEncode(webIdentityToken, keepingSlash: false),
        "AWSSECRETscanKEY", "AWSSESSIONscanTOKEN", "WEBIDENTITYscan", "CONTAINERscanAUTHORIZATION",
    ]

    /// Answers every request with an error that quotes its headers and body.
    static let echo: TestHTTPServer.Handler = { request in
        // The body first: messages are cut at 300 characters, and the token is in the body.
        let quoted = request.bodyText + " " + request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
        if request.path.hasPrefix("/sts") {
            return .reply(
                status: 403,
                body:
                    "<ErrorResponse><Error><Code>AccessDenied</Code><Message>you sent \(quoted)</Message></Error></ErrorResponse>"
            )
        }
        return .json(403, #"{"message":"you sent \#(quoted)"}"#)
    }

    @Test func nothingAnOperatorSeesHoldsASecret() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.webIdentityToken.write(toFile: directory.path + "/token", atomically: true, encoding: .utf8)
        try "[default]\naws_access_key_id = AKIASCAN\n\(Self.secretKey)\n".write(
            toFile: directory.path + "/credentials",
            atomically: true,
            encoding: .utf8
        )
        var texts: [String] = []
        func scan(_ value: Any) {
            var dumped = ""
            dump(value, to: &dumped)
            texts += ["\(value)", String(reflecting: value), dumped]
        }

        let environment = [
            "AWS_ACCESS_KEY_ID": "AKIASCAN", "AWS_SECRET_ACCESS_KEY": Self.secretKey,
            "AWS_SESSION_TOKEN": Self.sessionToken, "AWS_CONTAINER_AUTHORIZATION_TOKEN": Self.containerToken,
        ]
        let resolver = AWSCredentialResolver(environment: environment)
        scan(resolver)
        #expect("\(resolver)".contains("AWS_SECRET_ACCESS_KEY"))
        let fixed = try resolver.resolve()
        scan(fixed)
        if case .fixed(let credentials) = fixed { scan(credentials) }
        do {
            _ = try AWSCredentialResolver(environment: [
                "HOME": directory.path, "AWS_SHARED_CREDENTIALS_FILE": directory.path + "/credentials",
            ]).resolve()
            Issue.record("a malformed credentials file was accepted")
        } catch {
            scan(error)
        }

        let logs = InMemoryLogHandler()
        let logger = Logger(label: "aws-secret-test") { _ in logs }
        try await TestHTTPServer.withRunning(Self.echo) { server in
            let sources: [AWSCredentialSource] = [
                .webIdentity(
                    AWSWebIdentityClient(
                        endpoint: server.baseURL + "/sts",
                        roleARN: "arn:aws:iam::1:role/r",
                        tokenFile: directory.path + "/token"
                    )
                ),
                .container(
                    AWSContainerCredentialsClient(
                        url: server.baseURL + "/v2/credentials/task",
                        authorizationToken: Secret(Self.containerToken)
                    )
                ),
            ]
            for source in sources {
                let provider = AWSCredentialsProvider(source: source, timeout: .seconds(60), logger: logger)
                scan(source)
                do throws(AWSCredentialsError) {
                    _ = try await provider.credentials()
                    Issue.record("\(source) gave credentials")
                } catch {
                    #expect(error.code == .refused)
                    #expect(error.message.contains("<redacted>"), "the echo reached the error, scrubbed")
                    scan(error)
                }
                await provider.shutdown()
            }
        }
        texts.append(logs.entries.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n"))
        for text in texts {
            for secret in Self.secrets { #expect(!text.contains(secret), "\(text)") }
        }
    }
}
