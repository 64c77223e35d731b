import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// The syslog sink against real rsyslog and syslog-ng TLS receivers
/// (`scripts/syslog-receivers.sh`). Skipped when the receivers are not installed and `CI` is
/// unset; under CI a missing receiver fails.
@Suite(
    .serialized,
    .enabled(if: SyslogReceiver.installed || SyslogReceiver.isCI, Comment(rawValue: SyslogReceiver.skipMessage))
)
struct SyslogInteropTests {
    /// Activities per delivery test, half CEF and half ECS (`CF_SYSLOG_TEST_EVENTS` overrides).
    static let eventCount = Int(ProcessInfo.processInfo.environment["CF_SYSLOG_TEST_EVENTS"] ?? "") ?? 100_000

    struct Setup {
        let directory: TemporaryDirectory
        let certificates: String
        let receiver: SyslogReceiver

        init(_ kind: SyslogReceiver.Kind, mutualTLS: Bool, serverCertificate: String = "server") throws {
            directory = try TemporaryDirectory()
            certificates = directory.path + "/certs"
            try SyslogReceiver.makeCertificates(in: certificates)
            receiver = try SyslogReceiver.start(
                kind,
                in: directory.path + "/receiver",
                certificates: certificates,
                mutualTLS: mutualTLS,
                serverCertificate: serverCertificate
            )
        }

        func tearDown() {
            receiver.stop()
            directory.remove()
        }

        func sink(_ format: OutputFormat, clientCertificate: Bool) -> SyslogSink {
            SyslogSink(
                name: "syslog-\(format.rawValue)",
                configuration: .testReceiver(
                    port: receiver.port,
                    certificates: certificates,
                    clientCertificate: clientCertificate
                ),
                encoder: EventEncoder(formatter: ActivityEncoder(format: format))
            )
        }
    }

    /// Runs `sink` over `batches` to the end of its input (a clean close).
    static func deliver(
        _ batches: [Batch],
        with sink: SyslogSink,
        deadLetters: String
    ) async throws -> SyslogSinkHarness {
        let harness = SyslogSinkHarness(deadLetterDirectory: deadLetters)
        async let done: Void = sink.run(input: harness.channel.makeStream(), context: harness.context)
        for batch in batches { try await harness.channel.send(.batch(batch)) }
        harness.channel.finish()
        try await done
        return harness
    }

    @Test(arguments: [(SyslogReceiver.Kind.rsyslog, false), (.rsyslog, true), (.syslogNG, false), (.syslogNG, true)])
    func everyActivityArrivesIntactInCEFAndECS(kind: SyslogReceiver.Kind, mutualTLS: Bool) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try Setup(kind, mutualTLS: mutualTLS)
        defer { setup.tearDown() }
        let activities = SyslogSinkHarness.activities(count: Self.eventCount)
        let half = activities.count / 2
        let cef = Array(activities[..<half])
        let ecs = Array(activities[half...])

        let started = ContinuousClock.now
        let cefRun = try await Self.deliver(
            SyslogSinkHarness.batches(cef),
            with: setup.sink(.cef, clientCertificate: mutualTLS),
            deadLetters: setup.directory.path + "/dlq"
        )
        let ecsRun = try await Self.deliver(
            SyslogSinkHarness.batches(ecs),
            with: setup.sink(.ecs, clientCertificate: mutualTLS),
            deadLetters: setup.directory.path + "/dlq"
        )
        #expect(cefRun.acknowledger.acknowledged == cef.count)
        #expect(ecsRun.acknowledger.acknowledged == ecs.count)

        let messages = try await setup.receiver.waitForIDs(Set(activities.map(\.id)))
        let elapsed = ContinuousClock.now - started
        print("\(kind) mTLS=\(mutualTLS): \(activities.count) activities delivered and received in \(elapsed)")
        let byID = Dictionary(
            messages.map { (SyslogReceiver.ids(in: [$0]).first ?? "", $0) },
            uniquingKeysWith: { first, _ in first }
        )
        let missing = activities.filter { byID[$0.id] == nil }
        #expect(missing.isEmpty, "\(missing.count) activities missing, first: \(missing.first?.id ?? "")")
        #expect(messages.count == activities.count, "no duplicates on a healthy connection")

        for activity in cef {
            guard let message = byID[activity.id] else { continue }
            try Self.checkHeader(message, activity)
            #expect(message.msg.hasPrefix("CEF:0|"), "CEF payload for \(activity.id)")
            #expect(message.msg.contains("externalId=\(activity.id)"))
            #expect(message.msg.contains("|\(activity.type)|"))
        }
        for activity in ecs {
            guard let message = byID[activity.id] else { continue }
            try Self.checkHeader(message, activity)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(message.msg.utf8)) as? [String: Any],
                "ECS JSON for \(activity.id)"
            )
            let event = try #require(object["event"] as? [String: Any])
            #expect(event["id"] as? String == activity.id)
            #expect(event["action"] as? String == activity.type)
            #expect(object["@timestamp"] != nil)
        }
    }

    static func checkHeader(_ message: SyslogReceiver.Message, _ activity: Activity) throws {
        // A NIL MSGID reads "-" in rsyslog and "" in syslog-ng.
        let expected = SyslogHeaderEncoder.messageID(for: activity.type).map { [$0] } ?? ["-", ""]
        #expect(expected.contains(message.msgid), "msgid \(message.msgid) for \(activity.type)")
        #expect(message.hostname == "fwd.example.com")
        #expect(message.appName == "compliance-forwarder")
        if let organization = activity.organizationID {
            #expect(message.sd.contains("org=\"\(organization)\""))
        }
    }

    @Test(arguments: SyslogReceiver.Kind.allCases)
    func receiverRestartMidStreamLosesNothing(kind: SyslogReceiver.Kind) async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try Setup(kind, mutualTLS: true)
        defer { setup.tearDown() }
        let activities = SyslogSinkHarness.activities(count: 20_000, seedOffset: 1_000_000)
        let batches = SyslogSinkHarness.batches(activities, size: 200)
        let sink = setup.sink(.cef, clientCertificate: true)
        let harness = SyslogSinkHarness(deadLetterDirectory: setup.directory.path + "/dlq")

        async let done: Void = sink.run(input: harness.channel.makeStream(), context: harness.context)
        for (number, batch) in batches.enumerated() {
            if number == batches.count / 3 {
                // Let the receiver take part of the stream, then take it away for a few seconds.
                let sent = Set(batches[..<number].flatMap { $0.events.map(\.activity.id) })
                _ = try await setup.receiver.waitForIDs(sent, timeout: .seconds(30))
                setup.receiver.stop()
            }
            if number == batches.count / 3 + 10 {
                // The sink is now failing and holding the batch; the outage is the scenario.
                #expect(try await eventually(timeout: .seconds(10)) { !harness.metrics.health.isHealthy })
                try await Task.sleep(for: .seconds(3))
                try setup.receiver.start()
            }
            try await harness.channel.send(.batch(batch))
            if number < batches.count / 3 + 10 { try await Task.sleep(for: .milliseconds(20)) }
        }
        harness.channel.finish()
        try await done

        let messages = try await setup.receiver.waitForIDs(Set(activities.map(\.id)))
        let received = SyslogReceiver.ids(in: messages)
        let missing = Set(activities.map(\.id)).subtracting(received)
        let duplicates = received.count - Set(received).count
        print(
            "\(kind) restart: \(missing.count) lost, \(duplicates) duplicates, \(sink.statistics.resent) re-sent, \(sink.statistics.connections) connections"
        )
        #expect(missing.isEmpty, "lost \(missing.count) activities across the restart")
        #expect(sink.statistics.connections >= 2)
        #expect(harness.acknowledger.acknowledged == activities.count)
        #expect(harness.metrics.health.isHealthy)
    }
}
