import ForwarderCore
import NIOHTTP1

/// One live reachability check of a configured sink, for `compliance-forwarder check`.
///
/// It reuses each sink's own connection code and TLS settings, so a pass means the sink would
/// connect the same way: syslog TCP/TLS connects (handshake, client certificate, settle time);
/// Splunk HEC `GET /services/collector/health`; Elasticsearch `GET /` with the credentials;
/// a webhook answers any HTTP status to a `GET`; Azure Monitor: an Entra ID token, then a `GET` of
/// the data collection endpoint; OTLP: an export request with no records is accepted; a file
/// sink's directory is writable; an S3 bucket exists, the credentials may read it and Object Lock
/// is enabled when configured (nothing is written: a probe object under compliance-mode retention
/// could never be deleted). Nothing is
/// delivered, and details show only `scheme://host:port`, never a token or a URL path.
public enum SinkProbe {
    /// What a check found.
    public struct Result: Sendable, Hashable {
        public enum Outcome: Sendable, Hashable {
            case passed
            /// Not a failure, but worth reading (UDP cannot be checked without sending).
            case warning
            /// The destination cannot be reached or refuses us.
            case unreachable
            /// The settings cannot work (TLS files, a receiver answering as something else).
            case misconfigured
            /// A local directory cannot be written.
            case localIO
        }

        public var outcome: Outcome
        public var detail: String
    }

    public static func probe(_ sink: ForwarderConfiguration.Sink, timeout: Duration = .seconds(10)) async -> Result {
        switch sink.destination {
        case .file(let file):
            if let problem = WritableDirectory.problem(file.directory) {
                return Result(outcome: .localIO, detail: problem)
            }
            return Result(outcome: .passed, detail: "directory \(file.directory) is writable")
        case .syslog(let syslog):
            return await probeSyslog(syslog, timeout: timeout)
        case .http(let http):
            return await probeHTTP(http, format: sink.format, timeout: timeout)
        case .s3(let s3):
            return await probeS3(s3, timeout: timeout)
        }
    }

    static func probeSyslog(_ syslog: ForwarderConfiguration.SyslogSink, timeout: Duration) async -> Result {
        let target = "\(syslog.address)"
        if syslog.transport == .udp {
            return Result(
                outcome: .warning,
                detail: "\(target) over UDP: cannot be checked without sending (lab use only)"
            )
        }
        do {
            let context = syslog.transport == .tls ? try SyslogTLS.makeContext(syslog.tls) : nil
            let connection = try await syslog.connect(tls: context, settle: .milliseconds(300), timeout: timeout)
            await connection.close()
            let how = context == nil ? "TCP connection accepted" : "TLS handshake completed and session kept"
            return Result(outcome: .passed, detail: "\(target): \(how)")
        } catch {
            let outcome: Result.Outcome =
                error.code == .invalidTLSConfiguration || error.code == .tlsHandshakeFailed
                    || error.code == .rejectedByReceiver ? .misconfigured : .unreachable
            return Result(outcome: outcome, detail: error.message)
        }
    }

    static func probeHTTP(
        _ http: ForwarderConfiguration.HTTPSink,
        format: ForwarderConfiguration.Sink.Format,
        timeout: Duration
    ) async -> Result {
        if http.mode == .azureMonitor { return await probeAzureMonitor(http, timeout: timeout) }
        if http.mode == .otlp { return await probeOTLP(http, timeout: timeout) }
        let parts: HTTPSink.Parts
        let endpoint: HTTPEndpoint
        let transport: HTTPTransport
        do {
            parts = try HTTPSink.makeParts(configuration: http, encoder: EventEncoder(format: format), options: .init())
            let serverName = http.tls.serverName
            switch http.mode {
            case .splunkHEC:
                endpoint = try HTTPEndpoint(
                    http.url,
                    replacingPathSuffix: ("/services/collector", "/services/collector/health"),
                    serverName: serverName
                )
            default:
                endpoint = try HTTPEndpoint(http.url, serverName: serverName)
            }
            transport = HTTPTransport(
                tls: try HTTPTransport.makeTLSConfiguration(http.tls),
                timeout: timeout,
                dnsOverride: endpoint.dnsOverride
            )
        } catch {
            return Result(outcome: .misconfigured, detail: error.message)
        }
        var headers = parts.settings.headers
        headers.remove(name: "Content-Type")
        let target = endpoint.redacted
        let result: Result
        do {
            let reply = try await transport.send(url: endpoint.url, method: .GET, headers: headers, body: [])
            result = judge(mode: http.mode, status: reply.status, target: target)
        } catch let error as HTTPSinkError {
            var outcome: Result.Outcome = error.code == .configuration ? .misconfigured : .unreachable
            var detail = "\(target): \(parts.scrubber.scrub(error.message))"
            // TLS 1.3 reports a missing client certificate after the handshake, as a read error.
            if detail.contains("CERTIFICATE_REQUIRED") {
                outcome = .misconfigured
                detail += " (the receiver requires a client certificate: set tls.cert_file and tls.key_file)"
            }
            result = Result(outcome: outcome, detail: detail)
        } catch {
            result = Result(outcome: .unreachable, detail: "\(target): request failed")
        }
        await transport.shutdown()
        return result
    }

    static func judge(mode: ForwarderConfiguration.HTTPSink.Mode, status: Int, target: String) -> Result {
        if mode == .splunkHEC {
            switch status {
            case 200: return Result(outcome: .passed, detail: "\(target): HEC health endpoint reports healthy")
            case 400:
                return Result(
                    outcome: .misconfigured,
                    detail: "\(target): HEC answered 400 (is HTTP Event Collector enabled?)"
                )
            case 503:
                return Result(
                    outcome: .unreachable,
                    detail: "\(target): HEC reports itself unhealthy (503: queues full or indexers down)"
                )
            default: break
            }
        } else if mode == .elasticsearch {
            switch status {
            case 200: return Result(outcome: .passed, detail: "\(target): cluster reachable, credentials accepted")
            case 401, 403:
                return Result(
                    outcome: .unreachable,
                    detail: "\(target): credentials rejected (HTTP \(status)); check api_key or username/password"
                )
            default: break
            }
        } else {
            return Result(
                outcome: .passed,
                detail: "\(target): reachable (a GET was answered with HTTP \(status); deliveries use POST)"
            )
        }
        let outcome: Result.Outcome = status >= 500 ? .unreachable : .misconfigured
        return Result(outcome: outcome, detail: "\(target): unexpected HTTP \(status)")
    }
}
