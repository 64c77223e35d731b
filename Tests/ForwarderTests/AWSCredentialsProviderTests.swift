import ComplianceAPI
import ForwarderCore
import Foundation
import InMemoryLogging
import Logging
import Synchronization
import Testing

@testable import Forwarder

/// Temporary credentials from STS (web identity) and the container endpoint, served by an
/// in-process HTTP server: caching, one shared refresh, refresh before expiry, error kinds, and
/// no secret in any error or log line.
@Suite struct AWSCredentialsProviderTests {
    static let webIdentityToken = "eyJhbGciOiJSUzI1NiJ9.WEBIDENTITYTOKEN.c2lnbmF0dXJl"
    static let stsSecret = "STSsecretAccessKey/0123456789abcdefEXAMPLE"
    static let stsSessionToken = "FwoGZXIvYXdzESTSSESSIONTOKEN//////////wEaDEXAMPLE"
    static let containerToken = "container-authorization-token-0123456789"
    static let start = RFC3339Timestamp("2026-12-07T10:00:00Z") ?? RFC3339Timestamp(secondsSinceEpoch: 0)
    static var secrets: [String] { [webIdentityToken, stsSecret, stsSessionToken, containerToken] }

    /// A wall clock the test moves.
    final class Clock: Sendable {
        private let current = Mutex(AWSCredentialsProviderTests.start)
        var now: RFC3339Timestamp { current.withLock { $0 } }
        func advance(_ duration: Duration) { current.withLock { $0 = $0.adding(duration) } }
    }

    /// An STS stand-in: checks the form, answers credentials valid for one hour from the test
    /// clock (the access key id counts the calls), or what `failure` says.
    final class STS: Sendable {
        let clock: Clock
        let failure = Mutex<TestHTTPResponse?>(nil)
        let calls = Mutex(0)
        init(clock: Clock) { self.clock = clock }

        func handle(_ request: TestHTTPRequest) -> TestHTTPResponse {
            let call = calls.withLock {
                $0 += 1
                return $0
            }
            if let failure = failure.withLock({ $0 }) { return failure }
            var form: [String: String] = [:]
            for pair in request.bodyText.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                form[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            guard request.method == .POST, form["Action"] == "AssumeRoleWithWebIdentity",
                form["Version"] == "2011-06-15", form["RoleArn"] == "arn:aws:iam::123456789012:role/forwarder",
                form["RoleSessionName"] == "fwd-test",
                form["WebIdentityToken"] == AWSCredentialsProviderTests.webIdentityToken,
                !request.uri.contains("WEBIDENTITYTOKEN")
            else { return .reply(status: 400, body: "unexpected request \(request.uri) \(request.bodyText)") }
            let expiration = clock.now.adding(.seconds(3600)).formatted(fractionDigits: 0)
            return .reply(
                status: 200,
                headers: [("Content-Type", "text/xml")],
                body: """
                    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleWithWebIdentityResult>
                        <Credentials>
                          <AccessKeyId>ASIASTS\(call)</AccessKeyId>
                          <SecretAccessKey>\(AWSCredentialsProviderTests.stsSecret)</SecretAccessKey>
                          <SessionToken>\(AWSCredentialsProviderTests.stsSessionToken)</SessionToken>
                          <Expiration>\(expiration)</Expiration>
                        </Credentials>
                        <SubjectFromWebIdentityToken>system:serviceaccount:ns:fwd</SubjectFromWebIdentityToken>
                      </AssumeRoleWithWebIdentityResult>
                    </AssumeRoleWithWebIdentityResponse>
                    """
            )
        }
    }

    /// Runs `body` with a web identity provider pointed at an STS stand-in.
    static func withWebIdentity(
        _ body: (AWSCredentialsProvider, STS, Clock, InMemoryLogHandler) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try (webIdentityToken + "\n").write(toFile: directory.path + "/token", atomically: true, encoding: .utf8)
        let clock = Clock()
        let sts = STS(clock: clock)
        let logs = InMemoryLogHandler()
        let handler: TestHTTPServer.Handler = { sts.handle($0) }
        try await TestHTTPServer.withRunning(handler) { server in
            let source = try AWSCredentialResolver(
                environment: [
                    "HOME": directory.path, "AWS_WEB_IDENTITY_TOKEN_FILE": directory.path + "/token",
                    "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/forwarder", "AWS_ROLE_SESSION_NAME": "fwd-test",
                ],
                stsEndpoint: server.baseURL + "/"
            ).resolve()
            // A generous timeout: the full test run loads two cores far beyond one request's needs.
            let provider = AWSCredentialsProvider(
                source: source,
                timeout: .seconds(60),
                logger: Logger(label: "aws-credentials-test") { _ in logs },
                now: { clock.now }
            )
            do {
                try await body(provider, sts, clock, logs)
            } catch {
                await provider.shutdown()
                throw error
            }
            await provider.shutdown()
        }
    }

    static func failure(_ provider: AWSCredentialsProvider) async -> AWSCredentialsError? {
        do {
            _ = try await provider.credentials()
            return nil
        } catch {
            return error
        }
    }

    static func expectNoSecrets(_ texts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            for secret in secrets { #expect(!text.contains(secret), sourceLocation: sourceLocation) }
        }
    }

    static func logText(_ logs: InMemoryLogHandler) -> String {
        logs.entries.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n")
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        try await Self.withWebIdentity { provider, sts, _, logs in
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await provider.credentials().accessKeyID } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keys == ["ASIASTS1"])
            #expect(sts.calls.withLock { $0 } == 1)
            let credentials = try await provider.credentials()
            #expect(credentials.secretAccessKey == Secret(Self.stsSecret))
            #expect(credentials.sessionToken == Secret(Self.stsSessionToken))
            #expect(credentials.expiration == Self.start.adding(.seconds(3600)))
            #expect(credentials.source == "web-identity")
            #expect(Self.logText(logs).contains("ASIASTS1"))
            Self.expectNoSecrets([Self.logText(logs), "\(credentials)", "\(provider.source)"])
        }
    }

    @Test func refreshesBeforeExpiryAndRidesOutFailuresUntilThen() async throws {
        try await Self.withWebIdentity { provider, sts, clock, logs in
            #expect(try await provider.credentials().accessKeyID == "ASIASTS1")
            clock.advance(.seconds(54 * 60))  // 6 minutes left: still cached
            #expect(try await provider.credentials().accessKeyID == "ASIASTS1")
            clock.advance(.seconds(2 * 60))  // 4 minutes left: inside the 5-minute margin
            #expect(try await provider.credentials().accessKeyID == "ASIASTS2")
            #expect(sts.calls.withLock { $0 } == 2)

            // STS fails while the credentials still work: they are used, and each call tries again.
            sts.failure.withLock { $0 = .reply(status: 503, body: "<ErrorResponse/>") }
            clock.advance(.seconds(56 * 60))
            #expect(try await provider.credentials().accessKeyID == "ASIASTS2")
            #expect(try await provider.credentials().accessKeyID == "ASIASTS2")
            #expect(sts.calls.withLock { $0 } == 4)
            clock.advance(.seconds(5 * 60))  // expired now
            let error = try #require(await Self.failure(provider))
            #expect(error.code == .unavailable)
            #expect(error.isRetryable)
            #expect(error.context["status"] == "503")
            #expect(Self.logText(logs).contains("could not be fetched"))

            sts.failure.withLock { $0 = nil }
            #expect(try await provider.credentials().accessKeyID == "ASIASTS6")
        }
    }

    /// STS refusing the token (quoting it back, as a proxy might) is not retryable and never
    /// shows the token; an unreachable STS is retryable.
    @Test func refusedTokenAndUnreachableSTS() async throws {
        try await Self.withWebIdentity { provider, sts, _, logs in
            sts.failure.withLock {
                $0 = .reply(
                    status: 400,
                    body: """
                        <ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
                        <Message>Token \(Self.webIdentityToken) has expired &amp; was refused</Message></Error></ErrorResponse>
                        """
                )
            }
            let refused = try #require(await Self.failure(provider))
            #expect(refused.code == .refused)
            #expect(!refused.isRetryable)
            #expect(refused.message.contains("InvalidIdentityToken"))
            #expect(refused.message.contains("<redacted> has expired & was refused"))
            sts.failure.withLock {
                $0 = .reply(
                    status: 400,
                    body: "<ErrorResponse><Error><Code>IDPCommunicationError</Code></Error></ErrorResponse>"
                )
            }
            #expect(await Self.failure(provider)?.isRetryable == true)
            Self.expectNoSecrets(["\(refused)", String(reflecting: refused), Self.logText(logs)])
        }
        let reset: TestHTTPServer.Handler = { _ in .reset }
        let closed = try await TestHTTPServer.withRunning(reset) { $0.baseURL }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.webIdentityToken.write(toFile: directory.path + "/token", atomically: true, encoding: .utf8)
        let provider = AWSCredentialsProvider(
            source: .webIdentity(
                AWSWebIdentityClient(
                    endpoint: closed,
                    roleARN: "arn:aws:iam::1:role/r",
                    tokenFile: directory.path + "/token"
                )
            ),
            timeout: .seconds(1),
            logger: Logger(label: "aws-credentials-test")
        )
        let unreachable = await Self.failure(provider)
        await provider.shutdown()
        #expect(unreachable?.code == .unavailable)
        #expect(unreachable?.isRetryable == true)
        Self.expectNoSecrets(["\(String(describing: unreachable))"])
    }

    @Test func missingTokenFileIsAConfigurationError() async throws {
        let provider = AWSCredentialsProvider(
            source: .webIdentity(
                AWSWebIdentityClient(
                    endpoint: "http://127.0.0.1:9",
                    roleARN: "arn:aws:iam::1:role/r",
                    tokenFile: "/nonexistent/token"
                )
            ),
            logger: Logger(label: "aws-credentials-test")
        )
        let error = await Self.failure(provider)
        await provider.shutdown()
        #expect(error?.code == .configuration)
        #expect(error?.context["file"] == "/nonexistent/token")
    }
}
