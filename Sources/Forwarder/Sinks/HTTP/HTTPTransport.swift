import AsyncHTTPClient
import ComplianceAPI
import ForwarderCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// One sink's own `HTTPClient`: its TLS settings, no redirects, bounded replies.
///
/// Each sink gets a dedicated client so its TLS material and connection pool are its own; the
/// sink shuts it down when it ends. Redirects are not followed: a 3xx is a configuration error,
/// because following one could hand the token to another host.
final class HTTPTransport: Sendable {
    /// Replies larger than this are cut (a `_bulk` reply for 1000 items is well under 1 MiB).
    static let maximumReplyBytes = 8 << 20

    private let client: HTTPClient
    private let timeout: Duration

    /// - Parameters:
    ///   - tls: The TLS configuration for `https` URLs (``makeTLSConfiguration(_:)``).
    ///   - timeout: Time allowed for one request, reply included.
    ///   - dnsOverride: From ``HTTPEndpoint/dnsOverride``.
    init(tls: TLSConfiguration, timeout: Duration, dnsOverride: [String: String]) {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(min(timeout, .seconds(10))), read: .init(timeout)),
            decompression: .disabled
        )
        configuration.dnsOverride = dnsOverride
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
    }

    /// Sends one request. Every failure without a reply becomes a retryable
    /// ``HTTPSinkError/Code/transport`` error; cancellation is rethrown as such.
    func send(url: String, method: HTTPMethod = .POST, headers: HTTPHeaders, body: [UInt8]) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            var collected: [UInt8] = []
            for try await part in response.body {
                let room = Self.maximumReplyBytes - collected.count
                if room > 0 { collected.append(contentsOf: part.readableBytesView.prefix(room)) }
            }
            let retryAfter = response.headers.first(name: "retry-after").flatMap {
                RetryAfter.parse($0, now: .now)
            }
            return HTTPReply(status: Int(response.status.code), body: collected, retryAfter: retryAfter)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            // A failed handshake (untrusted chain, wrong name, refused client certificate) needs a
            // person, like a revoked token; a connection lost mid-stream is just weather.
            if let error = error as? NIOSSLError, case .handshakeFailed = error {
                throw HTTPSinkError(
                    code: .configuration,
                    message:
                        "TLS handshake failed (check tls.ca_file, tls.server_name and the client certificate): \(error)"
                )
            }
            if error is NIOSSLExtraError {
                throw HTTPSinkError(
                    code: .configuration,
                    message: "TLS verification failed (check tls.server_name): \(error)"
                )
            }
            throw HTTPSinkError(code: .transport, message: Self.describe(error))
        }
    }

    /// Closes the connection pool.
    func shutdown() async {
        try? await client.shutdown()
    }

    /// A short description of a transport failure. AsyncHTTPClient and NIO errors carry neither
    /// headers nor URLs, so they are safe to show.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no reply within the timeout"
            case .connectTimeout: return "connect timeout"
            case .remoteConnectionClosed: return "the server closed the connection without a reply"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }

    /// The client TLS settings of a sink.
    static func makeTLSConfiguration(_ tls: ForwarderConfiguration.TLS) throws(HTTPSinkError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = tls.minimumVersion == .v1_3 ? .tlsv13 : .tlsv12
        configuration.certificateVerification = tls.verify ? .fullVerification : .none
        do {
            if let caFile = tls.caFile {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            }
            if let certFile = tls.certFile, let keyFile = tls.keyFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
        } catch {
            throw HTTPSinkError(code: .setup, message: "cannot load the TLS files: \(error)")
        }
        return configuration
    }
}
