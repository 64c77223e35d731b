import ForwarderCore
import Testing

@testable import Forwarder

/// `check` against real rsyslog and syslog-ng TLS receivers: each way a handshake can be refused
/// reads as what to change, without BoringSSL's source paths.
@Suite(
    .serialized,
    .enabled(if: SyslogReceiver.installed || SyslogReceiver.isCI, Comment(rawValue: SyslogReceiver.skipMessage))
)
struct CheckTLSHintTests {
    static func expectMisconfigured(
        _ configuration: ForwarderConfiguration.SyslogSink,
        hint: String
    ) async {
        let result = await SinkProbe.probeSyslog(configuration, timeout: .seconds(10))
        #expect(result.outcome == .misconfigured, "\(result)")
        #expect(result.detail.contains(hint), "\(result.detail)")
        #expect(!result.detail.contains(" at /"), "a source location leaked: \(result.detail)")
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func anUnknownCANamesTheCAFile(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try SyslogServerNameTests.Setup(kind, serverCertificate: "siem")
        defer { setup.tearDown() }
        var configuration = setup.configuration(serverName: TestIdentityPKI.siemName)
        configuration.tls.caFile = setup.certificates + "/wrong-ca.pem"
        await Self.expectMisconfigured(
            configuration,
            hint: "not issued by a CA in tls.ca_file (\(setup.certificates)/wrong-ca.pem)"
        )
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func anExpiredCertificateSaysWhenItExpired(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try SyslogServerNameTests.Setup(kind, serverCertificate: "expired")
        defer { setup.tearDown() }
        var configuration = setup.configuration(serverName: "localhost")
        configuration.tls.caFile = setup.certificates + "/expired-ca.pem"
        await Self.expectMisconfigured(configuration, hint: "certificate expired on 2021-01-01")
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func aWrongServerNameSaysWhatTheCertificateCarries(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try SyslogServerNameTests.Setup(kind, serverCertificate: "siem")
        defer { setup.tearDown() }
        await Self.expectMisconfigured(
            setup.configuration(serverName: "evil.example.com"),
            hint: "not valid for evil.example.com"
        )
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func aRefusedClientCertificateSaysWhichKeysToSet(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try SyslogInteropTests.Setup(kind, mutualTLS: true)
        defer { setup.tearDown() }
        let configuration = ForwarderConfiguration.SyslogSink.testReceiver(
            port: setup.receiver.port,
            certificates: setup.certificates,
            clientCertificate: false
        )
        await Self.expectMisconfigured(configuration, hint: "set tls.cert_file and tls.key_file")
    }

    @Test func validityDatesDecideTheHint() {
        let day = 86_400
        let now = 1_800_000_000
        #expect(
            SyslogTLSDiagnosis.hint(notValidBefore: 0, notValidAfter: now - day, now: now, caFile: nil)
                .contains("expired on 2027-01-14")
        )
        #expect(
            SyslogTLSDiagnosis.hint(notValidBefore: now + day, notValidAfter: now + 2 * day, now: now, caFile: nil)
                .contains("valid only from 2027-01-16")
        )
        #expect(
            SyslogTLSDiagnosis.hint(notValidBefore: 0, notValidAfter: now + day, now: now, caFile: nil)
                .contains("not issued by a CA in the system trust store")
        )
    }

    @Test func withoutASecondLookTheHintNamesBothCauses() async {
        // Nothing listens on port 1: the unverified handshake cannot read the certificate.
        let configuration = ForwarderConfiguration.SyslogSink.testReceiver(
            port: 1,
            certificates: "/nonexistent",
            clientCertificate: false
        )
        let hint = await SyslogTLSDiagnosis.explainVerificationFailure(configuration, timeout: .seconds(2), attempts: 2)
        #expect(
            hint
                == "the receiver's certificate is not issued by a CA in tls.ca_file (/nonexistent/ca.pem),"
                + " or it has expired or is not yet valid"
        )
    }

    @Test func sourceLocationsAreRemoved() {
        let raw =
            "sslError([Error: 268436572 error:1000045c:SSL routines:OPENSSL_internal:"
            + "TLSV1_ALERT_CERTIFICATE_REQUIRED at /work/.build/checkouts/x/ssl/tls_record.cc:491])"
        #expect(
            SyslogTLSDiagnosis.withoutSourceLocations(raw)
                == "sslError([Error: 268436572 error:1000045c:SSL routines:OPENSSL_internal:"
                + "TLSV1_ALERT_CERTIFICATE_REQUIRED])"
        )
        #expect(SyslogTLSDiagnosis.withoutSourceLocations("looked at /etc/ssl, twice") == "looked at /etc/ssl, twice")
    }
}
