import ForwarderCore
import NIOHTTP1

extension SinkProbe {
    /// `mode: azure_monitor`: a token from Entra ID (the credentials and authority work), then a
    /// `GET` of the data collection endpoint (it is reachable and trusted). Nothing is ingested,
    /// so the DCR's role assignment (a 403) shows only on the first delivery.
    static func probeAzureMonitor(
        _ http: ForwarderConfiguration.HTTPSink,
        options: HTTPSink.Options = .init(),
        timeout: Duration
    ) async -> Result {
        let parts: HTTPSink.Parts
        let endpoint: HTTPEndpoint
        let dce: HTTPTransport
        do {
            parts = try HTTPSink.makeParts(configuration: http, encoder: .raw, options: options)
            endpoint = try HTTPEndpoint(http.url, serverName: http.tls.serverName)
            dce = HTTPTransport(
                tls: try HTTPTransport.makeTLSConfiguration(http.tls),
                timeout: timeout,
                dnsOverride: endpoint.dnsOverride
            )
        } catch {
            return Result(outcome: .misconfigured, detail: error.message)
        }
        guard let entra = parts.settings.entra else {
            return Result(outcome: .misconfigured, detail: "azure_monitor without Entra ID settings")
        }
        let tokens = EntraTokenProvider(entra, timeout: timeout)
        let how = if case .secret = entra.credential { "client secret" } else { "workload identity" }
        let result: Result
        do throws(HTTPSinkError) {
            _ = try await tokens.authorization()
            do {
                let reply = try await dce.send(url: endpoint.url, method: .GET, headers: HTTPHeaders(), body: [])
                result = Result(
                    outcome: .passed,
                    detail:
                        "Entra ID token acquired (\(how)); \(endpoint.redacted) reachable (a GET was answered with "
                        + "HTTP \(reply.status); deliveries POST to the DCR stream, which needs the Monitoring "
                        + "Metrics Publisher role on the rule)"
                )
            } catch let error as HTTPSinkError {
                result = Result(
                    outcome: error.code == .configuration ? .misconfigured : .unreachable,
                    detail:
                        "Entra ID token acquired (\(how)); \(endpoint.redacted): \(parts.scrubber.scrub(error.message))"
                )
            } catch {
                result = Result(outcome: .unreachable, detail: "\(endpoint.redacted): request failed")
            }
        } catch {
            result = Result(
                outcome: error.code == .configuration ? .misconfigured : .unreachable,
                detail: parts.scrubber.scrub(error.message)
            )
        }
        await dce.shutdown()
        await tokens.shutdown()
        return result
    }
}
