import ComplianceAPI
import ForwarderCore
import Foundation
import NIOSSL
import Testing

@testable import Forwarder

/// The receiver's certificate must name `tls.server_name` (else the configured host): an IP SAN
/// equal to the connected address does not stand in for a DNS name (NIOSSL's own check would
/// accept it).
@Suite(
    .serialized,
    .enabled(if: SyslogReceiver.installed || SyslogReceiver.isCI, Comment(rawValue: SyslogReceiver.skipMessage))
)
struct SyslogServerNameTests {
    /// A receiver of `kind` presenting `serverCertificate` (a ``TestIdentityPKI`` certificate).
    struct Setup {
        let directory: TemporaryDirectory
        let certificates: String
        let receiver: SyslogReceiver

        init(_ kind: SyslogReceiver.Kind, serverCertificate: String) throws {
            directory = try TemporaryDirectory()
            certificates = directory.path + "/certs"
            try SyslogReceiver.makeCertificates(in: certificates)
            try TestIdentityPKI.write(to: certificates)
            receiver = try SyslogReceiver.start(
                kind,
                in: directory.path + "/receiver",
                certificates: certificates,
                mutualTLS: false,
                serverCertificate: serverCertificate
            )
        }

        func configuration(serverName: String) -> ForwarderConfiguration.SyslogSink {
            .testReceiver(
                port: receiver.port,
                certificates: certificates,
                clientCertificate: false,
                caFile: certificates + "/identity-ca.pem",
                serverName: serverName
            )
        }

        func tearDown() {
            receiver.stop()
            directory.remove()
        }
    }

    /// `check` probes with the sink's own name check: it fails where `run` fails (it used to say
    /// "TLS handshake completed").
    @Test(arguments: SyslogReceiver.Kind.allCases)
    func checkRefusesAServerNameTheCertificateDoesNotCarry(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try Setup(kind, serverCertificate: "ip-only")
        defer { setup.tearDown() }
        let configuration = setup.configuration(serverName: TestIdentityPKI.siemName)
        let result = await SinkProbe.probeSyslog(configuration, timeout: .seconds(10))
        #expect(result.outcome == .misconfigured, "\(result)")
        #expect(result.detail.contains("not valid for siem.example.test"), "\(result)")
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func ipSANDoesNotSatisfyADNSServerName(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try Setup(kind, serverCertificate: "ip-only")
        defer { setup.tearDown() }
        let configuration = setup.configuration(serverName: TestIdentityPKI.siemName)
        do {
            let connection = try await SyslogTLSNegativeTests.connect(configuration)
            await connection.close()
            Issue.record("a certificate for IP:127.0.0.1 only was accepted for \(TestIdentityPKI.siemName)")
        } catch let error as SyslogSinkError {
            #expect(error.code == .tlsHandshakeFailed, "\(error)")
            #expect(error.isRetryable)
            #expect(error.description.contains("not valid for siem.example.test"), "\(error)")
            #expect(
                error.description.contains("IP:127.0.0.1"),
                "the error names what the certificate carries: \(error)"
            )
        }

        // The sink itself: holds the events, reports why, the receiver gets nothing.
        let sink = SyslogSink(name: "siem", configuration: configuration, encoder: EventEncoder(format: .cef))
        let harness = SyslogSinkHarness(deadLetterDirectory: setup.directory.path + "/dlq")
        let batch = SyslogSinkHarness.batches(SyslogSinkHarness.activities(count: 10)).first
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.run(input: harness.channel.makeStream(), context: harness.context) }
            do {
                if let batch { try await harness.channel.send(.batch(batch)) }
                #expect(
                    try await eventually(timeout: .seconds(10)) {
                        harness.metrics.health.reason?.contains("not valid for siem.example.test") == true
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

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func certificateCarryingTheDNSNameIsAccepted(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try Setup(kind, serverCertificate: "siem")
        defer { setup.tearDown() }
        let activities = SyslogSinkHarness.activities(count: 200, seedOffset: 3_000_000)
        let sink = SyslogSink(
            name: "siem",
            configuration: setup.configuration(serverName: TestIdentityPKI.siemName),
            encoder: EventEncoder(format: .cef)
        )
        let run = try await SyslogInteropTests.deliver(
            SyslogSinkHarness.batches(activities, size: 50),
            with: sink,
            deadLetters: setup.directory.path + "/dlq"
        )
        #expect(run.acknowledger.acknowledged == activities.count)
        let received = Set(
            SyslogReceiver.ids(
                in: try await setup.receiver.waitForIDs(Set(activities.map(\.id)), timeout: .seconds(30))
            )
        )
        #expect(received == Set(activities.map(\.id)))
    }

    /// Without `server_name` the configured host is the identity: connecting to 127.0.0.1 needs
    /// a certificate for IP 127.0.0.1, and a certificate for a DNS name only is refused.
    @Test func withoutServerNameTheConfiguredIPIsChecked() async throws {
        guard SyslogReceiver.available() else { return }
        let ipOnly = try Setup(.rsyslog, serverCertificate: "ip-only")
        defer { ipOnly.tearDown() }
        let connection = try await SyslogTLSNegativeTests.connect(ipOnly.configuration(serverName: ""))
        await connection.close()

        let named = try Setup(.rsyslog, serverCertificate: "siem")
        defer { named.tearDown() }
        await #expect(throws: SyslogSinkError.self) {
            let connection = try await SyslogTLSNegativeTests.connect(named.configuration(serverName: ""))
            await connection.close()
        }
    }

    @Test func identityMatchingRules() throws {
        #expect(SyslogServerIdentity("siem.example.test") == .dnsName("siem.example.test"))
        #expect(SyslogServerIdentity("SIEM.Example.Test.") == .dnsName("siem.example.test"))
        #expect(SyslogServerIdentity("127.0.0.1") == .ipAddress([127, 0, 0, 1], text: "127.0.0.1"))
        if case .ipAddress(let bytes, _) = SyslogServerIdentity("[::1]") {
            #expect(bytes == Array(repeating: 0, count: 15) + [1])
        } else {
            Issue.record("[::1] is an IPv6 identity")
        }
        let match = { (presented: String, expected: String) in
            SyslogServerIdentity.matches(presented: presented, expected: expected)
        }
        #expect(match("siem.example.test", "siem.example.test"))
        #expect(match("SIEM.example.test.", "siem.example.test"))
        #expect(match("*.example.test", "siem.example.test"))
        #expect(!match("*.example.test", "a.siem.example.test"), "a wildcard covers one label")
        #expect(!match("*.example.test", "example.test"))
        #expect(!match("*.test", "example.test"), "no wildcard over a top-level label")
        #expect(!match("s*.example.test", "siem.example.test"), "only a whole-label wildcard")
        #expect(!match("127.0.0.1", "siem.example.test"))

        let ipOnly = try NIOSSLCertificate(bytes: Array(TestIdentityPKI.ipOnlyCertificate.utf8), format: .pem)
        let siem = try NIOSSLCertificate(bytes: Array(TestIdentityPKI.siemCertificate.utf8), format: .pem)
        #expect(SyslogServerIdentity("siem.example.test").mismatch(in: ipOnly) != nil)
        #expect(SyslogServerIdentity("127.0.0.1").mismatch(in: ipOnly) == nil)
        #expect(SyslogServerIdentity("127.0.0.2").mismatch(in: ipOnly) != nil)
        #expect(SyslogServerIdentity("siem.example.test").mismatch(in: siem) == nil)
        #expect(SyslogServerIdentity("siem-receiver").mismatch(in: siem) != nil, "no CN fallback when SANs exist")
        #expect(SyslogServerIdentity("127.0.0.1").mismatch(in: siem) != nil)
    }
}
