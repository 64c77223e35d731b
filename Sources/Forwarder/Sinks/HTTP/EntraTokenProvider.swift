import ComplianceAPI
import ForwarderCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Microsoft Entra ID access tokens for the Logs Ingestion API (OAuth2 client credentials).
///
/// The token is cached and fetched again ``refreshMargin`` before it expires (or at half its
/// lifetime, when that is shorter), so requests rarely wait for the token endpoint. A request
/// answered 401 asks for a fresh token once (``authorization(replacing:)``): Entra can revoke a
/// token before its `expires_in`.
///
/// Concurrent requests share one token request: workers that need a token while one is being
/// fetched wait for it instead of asking Entra again.
///
/// The client authenticates with its secret, or with workload identity: the contents of the
/// federated token file (`AZURE_FEDERATED_TOKEN_FILE`, rotated by AKS) sent as a JWT client
/// assertion, read again for every token request.
///
/// Failures are ``HTTPSinkError``s that never contain the secret, the assertion or a token:
/// Entra's `invalid_client`/`unauthorized_client`/`invalid_request` (400/401) are
/// ``HTTPSinkError/Code/configuration`` (a person must fix the app registration), everything else
/// is retryable. The caller holds the events in both cases.
actor EntraTokenProvider {
    /// How the client proves who it is.
    enum ClientCredential: Sendable {
        case secret(Secret)
        /// The path of the federated token file.
        case federatedTokenFile(String)
    }

    struct Token: Sendable, Equatable {
        var value: String
        /// When to fetch the next one.
        var refreshAt: ContinuousClock.Instant
    }

    static let refreshMargin: Duration = .seconds(300)

    let tokenURL: String
    let clientID: String
    let credential: ClientCredential
    private let transport: HTTPTransport
    private var cached: Token?
    /// Callers waiting for the token request in flight; `nil` when none is.
    private var waiters: [CheckedContinuation<Result<Token, HTTPSinkError>, Never>]?

    /// Owns its own connection pool: the token endpoint is another host, verified against the
    /// system trust store, not the receiver's `tls` settings. Call ``shutdown()`` when done.
    init(_ settings: HTTPDelivery.EntraSettings, timeout: Duration) {
        let azure = settings.azure
        self.tokenURL = "\(azure.authority)/\(HTTPEndpoint.percentEncoded(azure.tenantID))/oauth2/v2.0/token"
        self.clientID = azure.clientID
        self.credential = settings.credential
        self.transport = HTTPTransport(tls: .makeClientConfiguration(), timeout: timeout, dnsOverride: [:])
    }

    func shutdown() async {
        await transport.shutdown()
    }

    /// The `Authorization` header value: the cached token while it is fresh, else a new one.
    /// With `replacing`, a token the receiver refused is not reused.
    func authorization(replacing refused: String? = nil) async throws(HTTPSinkError) -> String {
        if let cached, cached.refreshAt > .now, "Bearer \(cached.value)" != refused {
            return "Bearer \(cached.value)"
        }
        let result: Result<Token, HTTPSinkError>
        if waiters != nil {
            result = await withCheckedContinuation { waiters?.append($0) }
        } else {
            waiters = []
            do throws(HTTPSinkError) {
                result = .success(try await fetch())
            } catch {
                result = .failure(error)
            }
            if case .success(let token) = result { cached = token }
            let waiting = waiters ?? []
            waiters = nil
            for waiter in waiting { waiter.resume(returning: result) }
        }
        return "Bearer \(try result.get().value)"
    }

    private func fetch() async throws(HTTPSinkError) -> Token {
        let started = ContinuousClock.now
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: "compliance-forwarder/\(ComplianceClient.version)")
        let reply: HTTPReply
        do {
            reply = try await transport.send(url: tokenURL, headers: headers, body: Array(try formBody().utf8))
        } catch let error as HTTPSinkError {
            throw HTTPSinkError(
                code: error.code,
                message: "Entra ID token request: \(error.message)",
                status: error.status
            )
        } catch {
            throw HTTPSinkError(code: .transport, message: "Entra ID token request: \(error)")
        }
        let object = (try? JSONParser.parse(reply.body))?.objectValue
        guard (200..<300).contains(reply.status) else {
            throw Self.failure(reply, object: object)
        }
        guard let value = object?.string("access_token"), !value.isEmpty,
            let lifetime = Self.seconds(object?["expires_in"])
        else {
            throw HTTPSinkError(
                code: .malformedReply,
                message: "Entra ID answered \(reply.status) without access_token and expires_in",
                status: reply.status
            )
        }
        return Token(value: value, refreshAt: Self.refreshTime(fetchedAt: started, lifetime: .seconds(lifetime)))
    }

    /// When a token valid for `lifetime` from `fetchedAt` is replaced: ``refreshMargin`` before it
    /// expires, or at half its lifetime when that is sooner (short-lived tokens from test tenants
    /// or proxies).
    static func refreshTime(fetchedAt: ContinuousClock.Instant, lifetime: Duration) -> ContinuousClock.Instant {
        fetchedAt + lifetime - min(refreshMargin, lifetime / 2)
    }

    /// `application/x-www-form-urlencoded` client-credentials grant.
    private func formBody() throws(HTTPSinkError) -> String {
        var fields = [
            ("grant_type", "client_credentials"), ("client_id", clientID),
            ("scope", ForwarderConfiguration.HTTPSink.AzureMonitor.scope),
        ]
        switch credential {
        case .secret(let secret):
            secret.withValue { fields.append(("client_secret", $0)) }
        case .federatedTokenFile(let path):
            guard let data = FileManager.default.contents(atPath: path),
                let assertion = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !assertion.isEmpty
            else {
                throw HTTPSinkError(
                    code: .configuration,
                    message: "cannot read the federated token file named by AZURE_FEDERATED_TOKEN_FILE (\(path))"
                )
            }
            fields.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            fields.append(("client_assertion", assertion))
        }
        return fields.map { "\($0.0)=\(HTTPEndpoint.percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// Entra's error reply: `error`, `error_description` (AADSTS codes; they never echo the secret)
    /// and `error_codes`.
    private static func failure(_ reply: HTTPReply, object: JSONObject?) -> HTTPSinkError {
        let code = object?.string("error") ?? "HTTP \(reply.status)"
        let description = object?.string("error_description").map { ": " + $0.prefix(300) } ?? ""
        let message = "Entra ID refused the token request (\(code))\(description)"
        let clientProblem = [400, 401, 403].contains(reply.status)
        return HTTPSinkError(
            code: clientProblem ? .configuration : .unavailable,
            message: clientProblem
                ? message + " — check tenant_id, client_id, the client secret or federated credential, and authority"
                : message,
            status: reply.status
        )
    }

    /// `expires_in` is a number in v2.0 replies and a string in some v1.0-style proxies.
    private static func seconds(_ value: JSONValue?) -> Int64? {
        guard let value else { return nil }
        if let number = value.int64Value { return number > 0 ? number : nil }
        return value.stringValue.flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
    }
}
