import ForwarderCore
import Foundation
import NIOSSL
import Testing

@testable import Forwarder

/// TLS options of the HTTP sinks against an HTTPS test server with a private CA.
@Suite struct HTTPTLSTests {
    /// A server for `fwd-test.example` that requires a client certificate from the test CA.
    static func serverContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(TestPKI.serverCertificate.utf8)).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(TestPKI.serverKey.utf8), format: .pem)),
            trustRoots: .certificates(try NIOSSLCertificate.fromPEMBytes(Array(TestPKI.caCertificate.utf8)))
        )
        configuration.certificateVerification = .noHostnameVerification
        return try NIOSSLContext(configuration: configuration)
    }

    static func sink(url: String, tls: ForwarderConfiguration.TLS, timeout: Duration = .seconds(10)) throws -> HTTPSink
    {
        try HTTPSink(
            name: "hook",
            configuration: .init(
                mode: .webhook,
                url: url,
                timeout: timeout,
                tls: tls,
                retry: HTTPSinkHarness.fastRetry
            ),
            encoder: EventEncoder(format: .ecs)
        )
    }

    /// Private CA, client certificate, and a `server_name` that differs from the address
    /// connected to (the certificate names only `fwd-test.example`).
    @Test func mutualTLSWithPrivateCAAndServerName() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = try TestPKI.write(to: directory.path)
        let received = Collected()
        let record: TestHTTPServer.Handler = { request in
            received.append(WebhookReceiver.ids(in: request.body ?? []))
            return .reply(status: 204)
        }
        let run = try await TestHTTPServer.withRunning(tls: try Self.serverContext(), record) { server in
            let tls = ForwarderConfiguration.TLS(
                caFile: files["ca.pem"],
                certFile: files["client.pem"],
                keyFile: files["client.key"],
                serverName: "fwd-test.example"
            )
            return try await HTTPSinkHarness.run(
                try Self.sink(url: server.baseURL + "/hook", tls: tls),
                batches: HTTPTestEvents.batches(1..<21, batchSize: 20)
            )
        }
        #expect(run.acknowledger.count == 20)
        #expect(Set(received.items).count == 20)
    }

    /// A server whose certificate does not chain to the configured CA never gets a byte of the
    /// events: the handshake fails, the sink retries, turns unhealthy and acknowledges nothing.
    @Test func untrustedServerGetsNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = try TestPKI.write(to: directory.path)
        let accept: TestHTTPServer.Handler = { _ in .reply(status: 204) }
        try await TestHTTPServer.withRunning(tls: try Self.serverContext(), accept) { server in
            let tls = ForwarderConfiguration.TLS(
                caFile: files["other-ca.pem"],
                certFile: files["client.pem"],
                keyFile: files["client.key"],
                serverName: "fwd-test.example"
            )
            // AsyncHTTPClient keeps trying to connect until the request's deadline: keep it short.
            let sink = try Self.sink(url: server.baseURL + "/hook", tls: tls, timeout: .milliseconds(500))
            await #expect(throws: HTTPSinkHarness.TimedOut.self) {
                _ = try await HTTPSinkHarness.run(
                    sink,
                    batches: HTTPTestEvents.batches(1..<6, batchSize: 5),
                    timeout: .seconds(3)
                ) {
                    run in
                    let unhealthy = try await eventually(timeout: .seconds(2.5)) { !run.metrics.health.isHealthy }
                    #expect(unhealthy, "\(run.logText)")
                    #expect(run.acknowledger.count == 0)
                    #expect(run.metrics.health.reason?.contains("CERTIFICATE_VERIFY_FAILED") == true)
                    #expect(run.logs.entries.contains { $0.level == .error })
                }
            }
            #expect(server.requestCount == 0)
        }
    }

    @Test func unreadableTLSFilesFailAtSetup() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "not a certificate".write(toFile: directory.path + "/bad.pem", atomically: true, encoding: .utf8)
        #expect(throws: HTTPSinkError.self) {
            try Self.sink(url: "https://127.0.0.1:1/hook", tls: .init(caFile: directory.path + "/bad.pem"))
        }
        #expect(throws: HTTPSinkError.self) {
            try Self.sink(url: "https://127.0.0.1:1/hook", tls: .init(caFile: directory.path + "/missing.pem"))
        }
    }
}
