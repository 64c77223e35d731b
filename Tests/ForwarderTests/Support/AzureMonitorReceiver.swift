import ComplianceAPI
import Foundation
import Synchronization

@testable import Forwarder

/// A Microsoft Entra ID token endpoint and an Azure Monitor data collection endpoint in one
/// in-process server, as documented: client-credentials grants (secret or federated assertion),
/// bearer tokens that can be revoked to play an expiry, the 1 MB call limit (413), 429 with
/// `Retry-After`, 503, and 204 for stored rows.
final class AzureMonitorReceiver: Sendable {
    static let tenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    static let clientID = "0b8a6f3c-4d5e-4f60-9a7b-1c2d3e4f5a6b"
    static let clientSecret = "Xy8Q~client.secret-value_ABCDEFGHIJKLMNOP"
    static let ruleID = "dcr-0123456789abcdef0123456789abcdef"
    static let stream = "Custom-ClaudeComplianceActivity"

    struct State {
        var tokenRequests = 0
        var ingestRequests = 0
        /// Tokens that the DCE accepts.
        var validTokens: Set<String> = []
        var issuedTokens: [String] = []
        var stored: [String: Int] = [:]
        var rows: [JSONObject] = []
        var largestBody = 0
        var tooLarge = 0
        var unauthorized = 0
        var malformed: [String] = []
        /// What the token endpoint accepts as the client's proof.
        var acceptedSecret = AzureMonitorReceiver.clientSecret
        var acceptedAssertion: String?
        /// The DCE refuses every token (a missing role assignment).
        var refuseAllTokens = false
    }

    let state = Mutex(State())
    let faults: Bool
    /// The body limit the DCE (or a proxy in front of it) enforces.
    let maximumBody: Int
    let tokenLifetime: Int

    init(faults: Bool, maximumBody: Int = AzureMonitorDialect.maximumRequestBytes, tokenLifetime: Int = 3599) {
        self.faults = faults
        self.maximumBody = maximumBody
        self.tokenLifetime = tokenLifetime
    }

    var tokenPath: String { "/\(Self.tenantID)/oauth2/v2.0/token" }

    func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
        request.path == tokenPath ? token(request) : ingest(request)
    }

    private func token(_ request: TestHTTPRequest) -> TestHTTPResponse {
        var form: [String: String] = [:]
        for pair in request.bodyText.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return state.withLock { state in
            state.tokenRequests += 1
            guard form["grant_type"] == "client_credentials", form["client_id"] == Self.clientID,
                form["scope"] == "https://monitor.azure.com//.default",
                request.headers.first(name: "Content-Type") == "application/x-www-form-urlencoded"
            else {
                state.malformed.append("token request \(form.keys.sorted())")
                return .json(400, "{\"error\":\"invalid_request\"}")
            }
            let proven =
                if let assertion = form["client_assertion"] {
                    assertion == state.acceptedAssertion
                        && form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                } else {
                    form["client_secret"] == state.acceptedSecret
                }
            guard proven else {
                return .json(
                    401,
                    "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\",\"error_codes\":[7000215]}"
                )
            }
            let token = "eyJ0eXAiOiJKV1Qi.test\(state.tokenRequests).\(UInt64.random(in: 1...UInt64.max))"
            state.validTokens.insert(token)
            state.issuedTokens.append(token)
            return .json(
                200,
                "{\"token_type\":\"Bearer\",\"expires_in\":\(tokenLifetime),\"ext_expires_in\":\(tokenLifetime),\"access_token\":\"\(token)\"}"
            )
        }
    }

    private func ingest(_ request: TestHTTPRequest) -> TestHTTPResponse {
        let number = state.withLock { state in
            state.ingestRequests += 1
            return state.ingestRequests
        }
        let expectedPath = "/dataCollectionRules/\(Self.ruleID)/streams/\(Self.stream)"
        guard request.path == expectedPath, request.query("api-version") == "2023-01-01" else {
            state.withLock { $0.malformed.append("uri \(request.uri)") }
            return .json(404, "{\"error\":{\"code\":\"NotFound\"}}")
        }
        let bearer = request.headers.first(name: "Authorization") ?? ""
        let authorized = state.withLock { state in
            // Every 7th request finds the token expired: revoked before its expires_in.
            if faults, number % 7 == 3 { state.validTokens.removeAll() }
            if state.refuseAllTokens { state.validTokens.removeAll() }
            let valid = bearer.hasPrefix("Bearer ") && state.validTokens.contains(String(bearer.dropFirst(7)))
            if !valid { state.unauthorized += 1 }
            return valid
        }
        guard authorized else {
            return .json(
                401,
                "{\"error\":{\"code\":\"InvalidToken\",\"message\":\"The provided token is expired. Token: \(bearer)\"}}"
            )
        }
        if faults, number % 5 == 1 {
            return .json(429, "{\"error\":{\"code\":\"TooManyRequests\"}}", headers: [("Retry-After", "0")])
        }
        if faults, number % 11 == 4 { return .json(503, "{\"error\":{\"code\":\"ServiceUnavailable\"}}") }
        let size = request.wireBody.count
        state.withLock { $0.largestBody = max($0.largestBody, size) }
        if size > maximumBody {
            state.withLock { $0.tooLarge += 1 }
            return .json(
                413,
                "{\"error\":{\"code\":\"ContentLengthLimitExceeded\",\"message\":\"Maximum allowed content length: 1048576 bytes (1 MB).\"}}"
            )
        }
        guard request.headers.first(name: "Content-Type") == "application/json",
            let rows = (try? JSONParser.parse(request.body ?? []))?.arrayValue
        else {
            state.withLock { $0.malformed.append("body") }
            return .json(400, "{\"error\":{\"code\":\"InvalidPayload\"}}")
        }
        state.withLock { state in
            for row in rows {
                guard let object = row.objectValue, let id = object.string("ActivityId") else {
                    state.malformed.append("row")
                    continue
                }
                state.stored[id, default: 0] += 1
                state.rows.append(object)
            }
        }
        return .reply(status: 204)
    }
}
