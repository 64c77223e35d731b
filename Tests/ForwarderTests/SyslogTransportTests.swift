import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// The plain transports against a real rsyslog (`imtcp` without TLS, `imudp`): every activity
/// arrives, parsed as one message each.
@Suite(
    .serialized,
    .enabled(if: SyslogReceiver.installed || SyslogReceiver.isCI, Comment(rawValue: SyslogReceiver.skipMessage))
)
struct SyslogTransportTests {
    static let eventCount = 5_000

    static func run(
        transport: ForwarderConfiguration.SyslogSink.Transport,
        framing: ForwarderConfiguration.SyslogSink.Framing,
        format: OutputFormat,
        seedOffset: UInt64
    ) async throws -> (sent: [Activity], received: [String], messages: [SyslogReceiver.Message]) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = try SyslogReceiver.start(
            .rsyslog,
            in: directory.path + "/receiver",
            certificates: directory.path + "/certs",
            mutualTLS: false,
            transport: transport.name
        )
        defer { receiver.stop() }
        let configuration = ForwarderConfiguration.SyslogSink(
            address: NetworkAddress(host: "127.0.0.1", port: receiver.port),
            transport: transport,
            framing: framing,
            hostname: "fwd.example.com",
            reconnect: ForwarderConfiguration.Backoff(
                initialBackoff: .milliseconds(100),
                maximumBackoff: .seconds(1)
            )
        )
        let sink = SyslogSink(
            name: "plain",
            configuration: configuration,
            encoder: EventEncoder(formatter: ActivityEncoder(format: format))
        )
        let activities = SyslogSinkHarness.activities(count: eventCount, seedOffset: seedOffset)
        let run = try await SyslogInteropTests.deliver(
            SyslogSinkHarness.batches(activities, size: 250),
            with: sink,
            deadLetters: directory.path + "/dlq"
        )
        #expect(run.acknowledger.acknowledged == activities.count)
        let messages = try await receiver.waitForIDs(Set(activities.map(\.id)), timeout: .seconds(30))
        return (activities, SyslogReceiver.ids(in: messages), messages)
    }

    static func expectComplete(
        _ result: (sent: [Activity], received: [String], messages: [SyslogReceiver.Message])
    ) throws {
        let missing = Set(result.sent.map(\.id)).subtracting(result.received)
        #expect(missing.isEmpty, "\(missing.count) of \(result.sent.count) missing")
        #expect(result.received.count == result.sent.count, "one message per activity, no duplicates or splits")
        let byID = Dictionary(
            result.messages.map { (SyslogReceiver.ids(in: [$0]).first ?? "", $0) },
            uniquingKeysWith: { a, _ in a }
        )
        for activity in result.sent.prefix(500) {
            guard let message = byID[activity.id] else { continue }
            try SyslogInteropTests.checkHeader(message, activity)
        }
    }

    @Test func tcpWithOctetCounting() async throws {
        guard SyslogReceiver.available() else { return }
        let result = try await Self.run(transport: .tcp, framing: .octetCounting, format: .ecs, seedOffset: 4_000_000)
        try Self.expectComplete(result)
        let byID = Dictionary(
            result.messages.map { (SyslogReceiver.ids(in: [$0]).first ?? "", $0) },
            uniquingKeysWith: { a, _ in a }
        )
        for activity in result.sent.prefix(200) {
            let message = try #require(byID[activity.id])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(message.msg.utf8)) as? [String: Any])
            #expect(
                (object["event"] as? [String: Any])?["id"] as? String == activity.id,
                "ECS intact over octet counting"
            )
        }
    }

    @Test func tcpWithNewlineFraming() async throws {
        guard SyslogReceiver.available() else { return }
        let result = try await Self.run(transport: .tcp, framing: .newline, format: .cef, seedOffset: 4_100_000)
        try Self.expectComplete(result)
        #expect(result.messages.allSatisfy { $0.msg.hasPrefix("CEF:0|") && !$0.msg.contains("\n") })
    }

    /// Loopback UDP with a 16 MiB receive buffer (rsyslog `rcvbufSize`) loses nothing at this
    /// volume; on a real network nothing is promised (docs/syslog.md).
    @Test func udpOnLoopback() async throws {
        guard SyslogReceiver.available() else { return }
        let result = try await Self.run(transport: .udp, framing: .octetCounting, format: .cef, seedOffset: 4_200_000)
        try Self.expectComplete(result)
    }
}
