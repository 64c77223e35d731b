import ForwarderCore
import NIOHTTP1

extension SinkProbe {
    /// `mode: otlp`: POSTs an `ExportLogsServiceRequest` without records to `<url>/v1/logs` with
    /// the sink's headers and encoding. A collector accepts it with 200 and stores nothing, so
    /// this checks the path, the credentials and the content type without delivering anything
    /// (a `GET` would only show that something listens: collectors answer it 405).
    static func probeOTLP(_ http: ForwarderConfiguration.HTTPSink, timeout: Duration) async -> Result {
        let parts: HTTPSink.Parts
        let transport: HTTPTransport
        do {
            parts = try HTTPSink.makeParts(configuration: http, encoder: .raw, options: .init())
            transport = HTTPTransport(
                tls: try HTTPTransport.makeTLSConfiguration(http.tls),
                timeout: timeout,
                dnsOverride: parts.settings.endpoint.dnsOverride
            )
        } catch {
            return Result(outcome: .misconfigured, detail: error.message)
        }
        let endpoint = parts.settings.endpoint
        let target = endpoint.redacted
        let body = parts.dialect.body(for: EncodedEvents())
        let encoding = http.otlp?.encoding ?? .protobuf
        let result: Result
        do {
            let reply = try await transport.send(url: endpoint.url, headers: parts.settings.headers, body: body)
            result = judgeOTLP(status: reply.status, target: target, encoding: encoding)
        } catch let error as HTTPSinkError {
            let outcome: Result.Outcome = error.code == .configuration ? .misconfigured : .unreachable
            result = Result(outcome: outcome, detail: "\(target): \(parts.scrubber.scrub(error.message))")
        } catch {
            result = Result(outcome: .unreachable, detail: "\(target): request failed")
        }
        await transport.shutdown()
        return result
    }

    static func judgeOTLP(
        status: Int,
        target: String,
        encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding
    ) -> Result {
        switch status {
        case 200..<300:
            return Result(
                outcome: .passed,
                detail: "\(target): the collector accepted an empty OTLP/HTTP logs export (\(encoding.name))"
            )
        case 401, 403:
            return Result(
                outcome: .misconfigured,
                detail: "\(target): the collector refused the credentials (HTTP \(status)); check headers"
            )
        case 404, 405:
            return Result(
                outcome: .misconfigured,
                detail:
                    "\(target): no OTLP logs receiver at this path (HTTP \(status)); url should be the collector's "
                    + "base URL, e.g. http://collector:4318, or end in /v1/logs"
            )
        case 415:
            return Result(
                outcome: .misconfigured,
                detail: "\(target): the collector does not accept encoding \(encoding.name) (HTTP 415)"
            )
        case 429, 500..<600:
            return Result(outcome: .unreachable, detail: "\(target): the collector is unavailable (HTTP \(status))")
        default:
            return Result(outcome: .warning, detail: "\(target): the collector answered HTTP \(status)")
        }
    }
}
