import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// The sink refuses receivers it cannot verify, says why, and holds its events meanwhile.
@Suite(
    .serialized,
    .enabled(if: SyslogReceiver.installed || SyslogReceiver.isCI, Comment(rawValue: SyslogReceiver.skipMessage))
)
struct SyslogTLSNegativeTests {
    static func connect(_ configuration: ForwarderConfiguration.SyslogSink) async throws -> SyslogConnection {
        let context = try SyslogTLS.makeContext(configuration.tls)
        return try await configuration.connect(tls: context, settle: SyslogSink.Options().settleTime)
    }

    static func expectFailure(
        _ configuration: ForwarderConfiguration.SyslogSink,
        codes: [SyslogSinkError.Code],
        mentioning words: [String]
    ) async throws {
        do {
            let connection = try await connect(configuration)
            await connection.close()
            Issue.record("connected although it must not")
        } catch let error as SyslogSinkError {
            #expect(codes.contains(error.code), "\(error)")
            #expect(error.isRetryable)
            let text = error.description.lowercased()
            #expect(words.contains { text.contains($0) }, "unclear error: \(error)")
        }
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func serverFromAnUnknownCAIsRefused(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try SyslogInteropTests.Setup(kind, mutualTLS: false)
        defer { setup.tearDown() }
        let configuration = ForwarderConfiguration.SyslogSink.testReceiver(
            port: setup.receiver.port,
            certificates: setup.certificates,
            clientCertificate: false,
            caFile: setup.certificates + "/wrong-ca.pem"
        )
        try await Self.expectFailure(
            configuration,
            codes: [.tlsHandshakeFailed],
            mentioning: ["certificate", "verify"]
        )
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func wrongServerNameIsRefused(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        // A certificate from the trusted CA, but for elsewhere.test (SAN DNS:elsewhere.test only),
        // while the sink expects localhost. (An IP SAN equal to the connected address does not
        // help either: SyslogServerNameTests.)
        let setup = try SyslogInteropTests.Setup(kind, mutualTLS: false, serverCertificate: "wrong-server")
        defer { setup.tearDown() }
        let configuration = ForwarderConfiguration.SyslogSink.testReceiver(
            port: setup.receiver.port,
            certificates: setup.certificates,
            clientCertificate: false
        )
        try await Self.expectFailure(
            configuration,
            codes: [.tlsHandshakeFailed],
            mentioning: ["hostname", "name", "certificate"]
        )
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func missingClientCertificateFailsClearlyAndHoldsTheBatch(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try SyslogInteropTests.Setup(kind, mutualTLS: true)
        defer { setup.tearDown() }
        let configuration = ForwarderConfiguration.SyslogSink.testReceiver(
            port: setup.receiver.port,
            certificates: setup.certificates,
            clientCertificate: false
        )
        try await Self.expectFailure(
            configuration,
            codes: [.rejectedByReceiver, .tlsHandshakeFailed],
            mentioning: ["certificate"]
        )

        // The sink itself: nothing acknowledged, unhealthy with the reason, still retrying.
        let sink = setup.sink(.cef, clientCertificate: false)
        let harness = SyslogSinkHarness(deadLetterDirectory: setup.directory.path + "/dlq")
        let batch = SyslogSinkHarness.batches(SyslogSinkHarness.activities(count: 10)).first
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.run(input: harness.channel.makeStream(), context: harness.context) }
            do {
                if let batch { try await harness.channel.send(.batch(batch)) }
                #expect(
                    try await eventually(timeout: .seconds(10)) {
                        harness.metrics.health.reason?.contains("certificate") == true
                    }
                )
                #expect(
                    try await eventually(timeout: .seconds(10)) {
                        sink.statistics.connections == 0 && harness.acknowledger.acknowledged == 0
                    }
                )
            } catch {
                Issue.record("\(error)")
            }
            group.cancelAll()
        }
        #expect(harness.acknowledger.acknowledged == 0)
        #expect(try setup.receiver.messages().isEmpty)
    }

    @Test func unreadableCAFileIsAConfigurationError() {
        let tls = ForwarderConfiguration.TLS(caFile: "/nonexistent/ca.pem")
        #expect(throws: SyslogSinkError.self) { try SyslogTLS.makeContext(tls) }
        do {
            _ = try SyslogTLS.makeContext(tls)
        } catch {
            #expect(error.code == .invalidTLSConfiguration)
            #expect(!error.isRetryable)
        }
        let halfClient = ForwarderConfiguration.TLS(certFile: "/tmp/client.pem")
        #expect(throws: SyslogSinkError.self) { try SyslogTLS.makeContext(halfClient) }
    }
}
