import ComplianceAPI
import ForwarderCore
import Foundation
import Logging
import Testing

@testable import Forwarder

/// The container credentials endpoint (ECS task roles, EKS Pod Identity), served in-process.
@Suite struct AWSContainerCredentialsTests {
    static let token = AWSCredentialsProviderTests.containerToken
    static let secret = "CONTAINERsecretAccessKey/0123456789EXAMPLE"
    static let sessionToken = "IQoJb3JpZ2luX2VjECONTAINERSESSIONTOKEN"

    /// Answers like the ECS agent when the `Authorization` header is `token`, else 401 quoting it.
    static let agent: TestHTTPServer.Handler = { request in
        guard request.path == "/v2/credentials/task-1" else { return .json(404, #"{"message":"no such task"}"#) }
        let sent = request.headers.first(name: "Authorization") ?? ""
        guard sent == token || request.headers.first(name: "X-Test-No-Auth") != nil else {
            return .json(401, #"{"code":"Unauthorized","message":"bad token \#(sent)"}"#)
        }
        return .json(
            200,
            """
            {"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"\(secret)","Token":"\(sessionToken)",
             "Expiration":"2026-12-07T11:00:00Z","RoleArn":"arn:aws:iam::1:role/task"}
            """
        )
    }

    static func provider(_ environment: [String: String], base: String) throws -> AWSCredentialsProvider {
        AWSCredentialsProvider(
            source: try AWSCredentialResolver(environment: environment, containerBaseURL: base).resolve(),
            timeout: .seconds(60),
            logger: Logger(label: "aws-container-test"),
            now: { RFC3339Timestamp("2026-12-07T10:00:00Z") ?? .now }
        )
    }

    static func outcome(_ provider: AWSCredentialsProvider) async -> Result<AWSCredentials, AWSCredentialsError> {
        let result: Result<AWSCredentials, AWSCredentialsError>
        do {
            result = .success(try await provider.credentials())
        } catch {
            result = .failure(error)
        }
        await provider.shutdown()
        return result
    }

    @Test func fullURIWithTokenFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try (Self.token + "\n").write(toFile: directory.path + "/token", atomically: true, encoding: .utf8)
        try await TestHTTPServer.withRunning(Self.agent) { server in
            let provider = try Self.provider(
                [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/v2/credentials/task-1",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": directory.path + "/token",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-when-the-file-is-set",
                ],
                base: "http://169.254.170.2"
            )
            let credentials = try await Self.outcome(provider).get()
            #expect(credentials.accessKeyID == "ASIACONTAINER")
            #expect(credentials.secretAccessKey == Secret(Self.secret))
            #expect(credentials.sessionToken == Secret(Self.sessionToken))
            #expect(credentials.expiration == RFC3339Timestamp("2026-12-07T11:00:00Z"))
            #expect(credentials.source == "container")
        }
    }

    @Test func relativeURIOnTheAgentAddress() async throws {
        try await TestHTTPServer.withRunning(Self.agent) { server in
            let provider = try Self.provider(
                [
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-1",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": Self.token,
                ],
                base: server.baseURL
            )
            #expect(try await Self.outcome(provider).get().accessKeyID == "ASIACONTAINER")
        }
    }

    /// A refused token is quoted back by the stand-in: the error keeps the reason, not the token.
    @Test func refusedAndFailingEndpoints() async throws {
        try await TestHTTPServer.withRunning(Self.agent) { server in
            let url = server.baseURL + "/v2/credentials/task-1"
            let refused = await Self.outcome(
                try Self.provider(
                    [
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN": Self.token + "-stale",
                    ],
                    base: ""
                )
            )
            guard case .failure(let error) = refused else {
                Issue.record("a wrong token was accepted")
                return
            }
            #expect(error.code == .refused)
            #expect(!error.isRetryable)
            #expect(error.context["status"] == "401")
            #expect(error.message.contains("bad token <redacted>"))
            #expect(!"\(error)".contains(Self.token))
            #expect(!"\(error)".contains("/v2/credentials"))
        }
        let failing: TestHTTPServer.Handler = { request in
            request.path == "/broken" ? .json(200, #"{"AccessKeyId":"A"}"#) : .reply(status: 500, body: "agent down")
        }
        try await TestHTTPServer.withRunning(failing) { server in
            for (path, code) in [("/down", AWSCredentialsError.Code.unavailable), ("/broken", .malformedReply)] {
                let outcome = await Self.outcome(
                    try Self.provider(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + path], base: "")
                )
                guard case .failure(let error) = outcome else {
                    Issue.record("\(path) gave credentials")
                    continue
                }
                #expect(error.code == code, "\(path)")
                #expect(error.isRetryable, "\(path)")
            }
        }
    }
}
