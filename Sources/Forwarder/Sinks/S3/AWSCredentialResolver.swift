import ForwarderCore

/// Finds AWS credentials in the standard order, as the AWS CLI and SDKs do:
///
/// 1. the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`;
/// 2. the shared files: profile `AWS_PROFILE` (else `default`) in `AWS_SHARED_CREDENTIALS_FILE`
///    (else `~/.aws/credentials`), then in `AWS_CONFIG_FILE` (else `~/.aws/config`);
/// 3. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`),
///    exchanged at STS (`AWS_ENDPOINT_URL_STS`, else the regional endpoint of `AWS_REGION`, else
///    the global one);
/// 4. the container endpoint: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on `169.254.170.2`, or
///    `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
///
/// The first source that is *set* wins; a source that is set wrongly (one key without the other,
/// a malformed file, a profile named but missing) is an error, not a reason to try the next one,
/// so a typo never silently selects other credentials. The environment is a parameter, so tests
/// need neither real variables nor a real home directory.
public struct AWSCredentialResolver: Sendable {
    /// The process environment (or a test's).
    public var environment: [String: String]
    /// Overrides every other choice of STS endpoint (tests).
    public var stsEndpoint: String?
    /// Where relative container URIs point (tests replace the ECS agent's address).
    public var containerBaseURL: String

    /// - Parameters:
    ///   - environment: The variables to read.
    ///   - stsEndpoint: An STS endpoint that overrides the environment's choice.
    ///   - containerBaseURL: The base of `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
    public init(
        environment: [String: String],
        stsEndpoint: String? = nil,
        containerBaseURL: String = "http://169.254.170.2"
    ) {
        self.environment = environment
        self.stsEndpoint = stsEndpoint
        self.containerBaseURL = containerBaseURL
    }

    /// The first configured source.
    public func resolve() throws(AWSCredentialsError) -> AWSCredentialSource {
        if let credentials = try fromEnvironment() { return .fixed(credentials) }
        if let credentials = try fromSharedFiles() { return .fixed(credentials) }
        if let client = try webIdentity() { return .webIdentity(client) }
        if let client = try container() { return .container(client) }
        throw AWSCredentialsError(
            .notFound,
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile in the shared "
                + "credentials file, AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, or run where a container "
                + "credentials endpoint is set",
            context: ["profile": profileName, "file": credentialsFilePath]
        )
    }

    fileprivate func value(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Two variables that only work together: both values, `nil` when neither is set, an error
    /// naming the missing one when only one is.
    private func pair(_ first: String, _ second: String) throws(AWSCredentialsError) -> (String, String)? {
        switch (value(first), value(second)) {
        case (nil, nil): return nil
        case (let a?, let b?): return (a, b)
        case (nil, _), (_, nil):
            let missing = value(first) == nil ? first : second
            throw AWSCredentialsError(
                .configuration,
                "\(missing) is not set but \(missing == first ? second : first) is",
                context: ["variable": missing]
            )
        }
    }

    func fromEnvironment() throws(AWSCredentialsError) -> AWSCredentials? {
        guard let (id, secret) = try pair("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") else { return nil }
        return AWSCredentials(
            accessKeyID: id,
            secretAccessKey: Secret(secret),
            sessionToken: value("AWS_SESSION_TOKEN").map(Secret.init),
            source: "environment"
        )
    }

    var profileName: String { value("AWS_PROFILE") ?? "default" }

    var credentialsFilePath: String {
        expandingHome(value("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials")
    }

    var configFilePath: String { expandingHome(value("AWS_CONFIG_FILE") ?? "~/.aws/config") }

    private func expandingHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = value("HOME") else { return path }
        return home + path.dropFirst()
    }

    /// Profile keys for credentials the shared files can name that this version does not use.
    static let unsupportedProfileKeys = [
        "role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file",
    ]

    func fromSharedFiles() throws(AWSCredentialsError) -> AWSCredentials? {
        let profile = profileName
        let files = [
            try AWSProfileFile.load(path: credentialsFilePath, kind: .credentials),
            try AWSProfileFile.load(path: configFilePath, kind: .config),
        ].compactMap { $0 }
        var found = false
        for file in files {
            guard let section = file.profile(profile) else { continue }
            found = true
            let context = ["file": file.path, "line": String(section.line), "profile": profile]
            let id = section.properties["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
            let secret = section.properties["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
            if id == nil && secret == nil { continue }
            guard let id, let secret else {
                let missing = id == nil ? "aws_access_key_id" : "aws_secret_access_key"
                throw AWSCredentialsError(.configuration, "profile \(profile) has no \(missing)", context: context)
            }
            return AWSCredentials(
                accessKeyID: id,
                secretAccessKey: Secret(secret),
                sessionToken: section.properties["aws_session_token"].flatMap { $0.isEmpty ? nil : Secret($0) },
                source: "shared-credentials-file"
            )
        }
        guard value("AWS_PROFILE") != nil else { return nil }
        // A profile the operator named must provide the credentials, or say why it cannot.
        guard found else {
            throw AWSCredentialsError(
                .configuration,
                "profile \(profile) (AWS_PROFILE) is in neither shared file",
                context: ["profile": profile, "file": credentialsFilePath, "config_file": configFilePath]
            )
        }
        let used = files.compactMap { file in
            Self.unsupportedProfileKeys.first { file.profile(profile)?.properties[$0] != nil }
        }
        throw AWSCredentialsError(
            .configuration,
            "profile \(profile) has no aws_access_key_id/aws_secret_access_key"
                + (used.first.map { " (it uses \($0), which this version does not support)" } ?? ""),
            context: ["profile": profile]
        )
    }

    func webIdentity() throws(AWSCredentialsError) -> AWSWebIdentityClient? {
        guard let (tokenFile, role) = try pair("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN") else { return nil }
        return AWSWebIdentityClient(
            endpoint: stsEndpoint ?? value("AWS_ENDPOINT_URL_STS")
                ?? Self.stsEndpoint(region: value("AWS_REGION") ?? value("AWS_DEFAULT_REGION")),
            roleARN: role,
            sessionName: value("AWS_ROLE_SESSION_NAME"),
            tokenFile: tokenFile
        )
    }

    /// The regional STS endpoint (what current SDKs use by default), or the global one.
    static func stsEndpoint(region: String?) -> String {
        guard let region else { return "https://sts.amazonaws.com" }
        return "https://sts.\(region).amazonaws.com" + (region.hasPrefix("cn-") ? ".cn" : "")
    }

    func container() throws(AWSCredentialsError) -> AWSContainerCredentialsClient? {
        let url: String
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            url = containerBaseURL + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            guard AWSContainerCredentialsClient.isAllowed(full) else {
                throw AWSCredentialsError(
                    .configuration,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback address or the ECS/EKS agent",
                    context: ["endpoint": AWSContainerCredentialsClient.origin(full)]
                )
            }
            url = full
        } else {
            return nil
        }
        return AWSContainerCredentialsClient(
            url: url,
            authorizationToken: value("AWS_CONTAINER_AUTHORIZATION_TOKEN").map(Secret.init),
            authorizationTokenFile: value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        )
    }
}

extension AWSCredentialResolver: CustomStringConvertible, CustomReflectable {
    /// Names the `AWS_*` variables that are set, never their values: the environment holds the
    /// secret key and tokens.
    public var description: String {
        let names = environment.keys.filter { $0.hasPrefix("AWS_") && value($0) != nil }.sorted()
        return "AWSCredentialResolver(set: \(names.isEmpty ? "no AWS_* variables" : names.joined(separator: ", ")))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["environment": "<\(environment.count) variables, values not shown>"])
    }
}
