import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// The standard order of AWS credential sources, read from an injected environment and files in
/// a temporary home directory: no real AWS, no real `~/.aws`.
@Suite struct AWSCredentialResolverTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYRESOLVERKEY"

    /// A temporary `HOME` with `.aws/credentials` and `.aws/config` as given.
    static func withHome<T>(
        credentials: String? = nil,
        config: String? = nil,
        _ body: (String) throws -> T
    ) throws -> T {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        try FileManager.default.createDirectory(atPath: home.path + "/.aws", withIntermediateDirectories: true)
        try credentials?.write(toFile: home.path + "/.aws/credentials", atomically: true, encoding: .utf8)
        try config?.write(toFile: home.path + "/.aws/config", atomically: true, encoding: .utf8)
        return try body(home.path)
    }

    static func fixed(_ source: AWSCredentialSource) -> AWSCredentials? {
        if case .fixed(let credentials) = source { return credentials }
        return nil
    }

    static func error(_ body: () throws -> Void) -> AWSCredentialsError? {
        do {
            try body()
            return nil
        } catch {
            return error as? AWSCredentialsError
        }
    }

    @Test func environmentComesFirst() throws {
        try Self.withHome(credentials: "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = x\n") { home in
            let resolver = AWSCredentialResolver(environment: [
                "HOME": home, "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": Self.secret,
                "AWS_SESSION_TOKEN": "env-session-token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
                "AWS_WEB_IDENTITY_TOKEN_FILE": "/t",
            ])
            let credentials = try #require(Self.fixed(try resolver.resolve()))
            #expect(credentials.accessKeyID == "AKIAENV")
            #expect(credentials.secretAccessKey == Secret(Self.secret))
            #expect(credentials.sessionToken == Secret("env-session-token"))
            #expect(credentials.source == "environment")
        }
    }

    @Test func halfSetEnvironmentIsAnErrorNotAFallThrough() throws {
        let error = Self.error {
            _ = try AWSCredentialResolver(environment: ["AWS_SECRET_ACCESS_KEY": Self.secret]).resolve()
        }
        #expect(error?.code == .configuration)
        #expect(error?.context["variable"] == "AWS_ACCESS_KEY_ID")
        #expect(error?.isRetryable == false)
        #expect(error.map { !"\($0)".contains(Self.secret) } == true)
    }

    @Test func sharedFilesByProfile() throws {
        let credentials = """
            # a comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = \(Self.secret)

            [prod] ; trailing comment
            aws_access_key_id=AKIAPROD
            aws_secret_access_key=prod-secret
            aws_session_token = prod-token
            s3 =
                max_concurrent_requests = 20
            """
        let config =
            "[default]\nregion = eu-west-1\n[profile staging]\naws_access_key_id = AKIASTAGING\n"
            + "aws_secret_access_key = staging-secret\n[sso-session corp]\nsso_region = eu-west-1\n"
        try Self.withHome(credentials: credentials, config: config) { home in
            let byDefault = try AWSCredentialResolver(environment: ["HOME": home]).resolve()
            #expect(Self.fixed(byDefault)?.accessKeyID == "AKIADEFAULT")
            #expect(Self.fixed(byDefault)?.source == "shared-credentials-file")
            let prod = try AWSCredentialResolver(environment: ["HOME": home, "AWS_PROFILE": "prod"]).resolve()
            #expect(Self.fixed(prod)?.sessionToken == Secret("prod-token"))
            let staging = try AWSCredentialResolver(environment: ["HOME": home, "AWS_PROFILE": "staging"]).resolve()
            #expect(Self.fixed(staging)?.accessKeyID == "AKIASTAGING")
            let missing = Self.error {
                _ = try AWSCredentialResolver(environment: ["HOME": home, "AWS_PROFILE": "corp"]).resolve()
            }
            #expect(missing?.code == .configuration)
            #expect(missing?.context["profile"] == "corp")
        }
    }

    @Test func explicitFilePathsWin() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/creds.ini"
        try "[ci]\naws_access_key_id = AKIACI\naws_secret_access_key = ci\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let resolver = AWSCredentialResolver(environment: [
            "HOME": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "ci",
        ])
        #expect(Self.fixed(try resolver.resolve())?.accessKeyID == "AKIACI")
    }

    /// A malformed line is reported with its file and number, and not quoted: it may hold a key.
    @Test func malformedFileNamesFileAndLineButNotTheLine() throws {
        let text = "[default]\naws_access_key_id = AKIAX\n\(Self.secret)\n"
        try Self.withHome(credentials: text) { home in
            let error = try #require(
                Self.error { _ = try AWSCredentialResolver(environment: ["HOME": home]).resolve() }
            )
            #expect(error.code == .configuration)
            #expect(error.context["file"] == home + "/.aws/credentials")
            #expect(error.context["line"] == "3")
            #expect(!"\(error)".contains(Self.secret))
            #expect("\(error)".contains("line=3"))
        }
        for (text, line) in [("key = value\n", "1"), ("[default\n", "1"), ("[default]\n = x\n", "2")] {
            let error = Self.error { _ = try AWSProfileFile(parsing: text, path: "f", kind: .credentials) }
            #expect(error?.context["line"] == line, "\(text)")
        }
    }

    @Test func profileWithoutKeysSaysWhy() throws {
        try Self.withHome(
            credentials: "[app]\naws_access_key_id = AKIAONLY\n",
            config: "[profile sso]\nsso_session = corp\n"
        ) {
            home in
            let half = Self.error {
                _ = try AWSCredentialResolver(environment: ["HOME": home, "AWS_PROFILE": "app"]).resolve()
            }
            #expect(half?.message.contains("aws_secret_access_key") == true)
            #expect(half?.context["line"] == "1")
            let sso = Self.error {
                _ = try AWSCredentialResolver(environment: ["HOME": home, "AWS_PROFILE": "sso"]).resolve()
            }
            #expect(sso?.message.contains("sso_session") == true)
        }
    }

    @Test func nothingFound() throws {
        try Self.withHome { home in
            let error = Self.error { _ = try AWSCredentialResolver(environment: ["HOME": home]).resolve() }
            #expect(error?.code == .notFound)
        }
    }

    static func endpoint(_ environment: [String: String], override: String? = nil) throws -> String? {
        guard
            case .webIdentity(let client) = try AWSCredentialResolver(
                environment: environment,
                stsEndpoint: override
            ).resolve()
        else { return nil }
        #expect(client.sessionName == "fwd")
        #expect(client.tokenFile == "/var/run/secrets/token")
        return client.endpoint
    }

    @Test func webIdentityAndItsSTSEndpoint() throws {
        try Self.withHome(config: "[default]\nregion = eu-west-1\n") { home throws in
            var environment = [
                "HOME": home, "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token",
                "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/forwarder", "AWS_ROLE_SESSION_NAME": "fwd",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x",
            ]
            #expect(try Self.endpoint(environment) == "https://sts.amazonaws.com")
            environment["AWS_REGION"] = "eu-central-1"
            #expect(try Self.endpoint(environment) == "https://sts.eu-central-1.amazonaws.com")
            environment["AWS_REGION"] = "cn-north-1"
            #expect(try Self.endpoint(environment) == "https://sts.cn-north-1.amazonaws.com.cn")
            environment["AWS_ENDPOINT_URL_STS"] = "https://sts.internal"
            #expect(try Self.endpoint(environment) == "https://sts.internal")
            #expect(try Self.endpoint(environment, override: "http://127.0.0.1:1") == "http://127.0.0.1:1")
            environment["AWS_ROLE_ARN"] = nil
            let error = Self.error { _ = try AWSCredentialResolver(environment: environment).resolve() }
            #expect(error?.context["variable"] == "AWS_ROLE_ARN")
        }
    }

    @Test func containerEndpoint() throws {
        let relative = try AWSCredentialResolver(
            environment: ["HOME": "/nonexistent", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"],
            containerBaseURL: "http://127.0.0.1:8080"
        ).resolve()
        guard case .container(let client) = relative else {
            Issue.record("expected the container source, got \(relative)")
            return
        }
        #expect(client.url == "http://127.0.0.1:8080/v2/credentials/abc")
        #expect(!"\(relative)".contains("abc"))
        let full = try AWSCredentialResolver(environment: [
            "HOME": "/nonexistent", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token",
        ]).resolve()
        #expect(!"\(full)".contains("container-auth-token"))
        for url in [
            "http://169.254.170.2/x", "http://localhost:9/x", "http://127.0.0.5/x", "http://[::1]:8/x",
            "https://a.example/x",
        ] {
            #expect(AWSContainerCredentialsClient.isAllowed(url), "\(url)")
        }
        for url in [
            "http://10.0.0.1/x", "http://example.com/x", "ftp://127.0.0.1/x", "http://127.0.0.1.evil.example/x",
        ] {
            let error = Self.error {
                _ = try AWSCredentialResolver(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url]).resolve()
            }
            #expect(error?.code == .configuration, "\(url)")
        }
    }
}
