import ComplianceAPI
import Crypto
import ForwarderCore
import Foundation
import Logging
import MockComplianceAPI
import Synchronization
import Testing

@testable import Forwarder

/// Anchoring outside the host: every seal of a file-sink segment reaches the other sinks as an
/// `archive_segment_sealed` event carrying the manifest's SHA-256, without touching the activity
/// stream's acknowledgements, checkpoint or de-duplication.
@Suite(.serialized) struct ArchiveAnchorTests {
    /// What an in-process webhook receiver got: activity ids and anchor documents, in order.
    final class WebhookRecorder: Sendable {
        struct State {
            var activityIDs: [String] = []
            /// The anchors' ECS documents, as sent.
            var anchors: [String] = []
            var anchorsRefused = 0
        }

        let state = Mutex(State())
        /// Answer 503 to every request holding an anchor (activities are still accepted).
        let refuseAnchors: Bool

        init(refuseAnchors: Bool = false) {
            self.refuseAnchors = refuseAnchors
        }

        func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
            var ids: [String] = []
            var anchors: [String] = []
            for line in request.bodyText.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let event = object["event"] as? [String: Any]
                else { continue }
                if event["action"] as? String == ArchiveAnchor.action {
                    anchors.append(String(line))
                } else if let id = event["id"] as? String {
                    ids.append(id)
                }
            }
            if refuseAnchors, !anchors.isEmpty {
                state.withLock { $0.anchorsRefused += 1 }
                return .reply(status: 503, body: "anchors not welcome")
            }
            state.withLock {
                $0.activityIDs += ids
                $0.anchors += anchors
            }
            return .reply(status: 200)
        }
    }

    static func keyFile(in directory: String) throws -> String {
        let path = directory + "/archive-signing.key"
        _ = FileManager.default.createFile(
            atPath: path,
            contents: Data(ArchiveSigningKey.generate().privateKeyFileText.utf8),
            attributes: [.posixPermissions: 0o600]
        )
        return path
    }

    /// A signed file sink that rotates often (YAML list item).
    static func archiveSink(_ archive: String, key: String) -> String {
        """
              - name: archive
                type: file
                format: raw
                directory: \(archive)
                rotate: { max_bytes: 64KiB }
                signing_key_file: \(key)
        """
    }

    static func sinks(archive: String, key: String, url: String) -> String {
        Self.archiveSink(archive, key: key) + "\n"
            + """
                  - name: hook
                    type: http
                    mode: webhook
                    format: ecs
                    url: \(url)/ingest
                    timeout: 30s
                    retry: { initial_backoff: 5ms, max_backoff: 50ms }
            """
    }

    /// SHA-256 (hex) of every manifest file in `directory`.
    static func manifestHashes(_ directory: String) throws -> [String: String] {
        var hashes: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory)
        where name.hasSuffix(".manifest.json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            hashes[name] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
        return hashes
    }

    /// A backfill with many rotations: the webhook gets one anchor per manifest written, whose
    /// `manifest_sha256` is the SHA-256 of that manifest file on disk; every activity still
    /// arrives exactly once and the checkpoint reaches the end.
    @Test func everySealReachesTheWebhookWithTheManifestHash() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = WebhookRecorder()
        let key = try Self.keyFile(in: directory.path)
        let archive = directory.path + "/archive"
        let configuration = PipelineSinkTests.mockConfiguration(backlog: 5_000)
        try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
            let expected = mock.allIDs()
            try await TestHTTPServer.withRunning(recorder.handle) { server in
                _ = try await PipelineSinkTests.runForwarder(
                    mock,
                    sinks: Self.sinks(archive: archive, key: key, url: server.baseURL),
                    directory: directory.path + "/forwarder"
                )
            }
            let state = recorder.state.withLock { $0 }
            #expect(state.activityIDs.sorted() == expected.sorted(), "every activity exactly once")

            let manifests = try Self.manifestHashes(archive)
            #expect(manifests.count >= 4, "rotations happened: \(manifests.count) manifests")
            var anchored: [String: String] = [:]
            for line in state.anchors {
                let anchor = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let fields = try #require(
                    (anchor["compliance_forwarder"] as? [String: Any])?["archive"] as? [String: Any]
                )
                let event = try #require(anchor["event"] as? [String: Any])
                #expect(event["kind"] as? String == "event")
                #expect(event["dataset"] as? String == "claude.audit")
                #expect(fields["sink"] as? String == "archive")
                #expect((fields["key_fingerprint"] as? String)?.hasPrefix("SHA256:") == true)
                #expect((fields["signature"] as? String)?.isEmpty == false)
                let segment = try #require(fields["segment"] as? String)
                #expect(anchored[segment] == nil, "one anchor per seal: \(segment)")
                anchored[segment] = fields["manifest_sha256"] as? String
                #expect(event["hash"] as? String == anchored[segment])
            }
            let onDisk = Dictionary(
                uniqueKeysWithValues: manifests.map { (String($0.key.dropLast(".manifest.json".count)), $0.value) }
            )
            #expect(anchored == onDisk, "one anchor per manifest, with the manifest file's SHA-256")
        }
    }

    /// The same over syslog/TLS to a real rsyslog, in CEF: one `archive_segment_sealed` message
    /// per manifest, whose `cs1` and structured data hold the manifest file's SHA-256, besides
    /// every activity exactly once.
    @Test(.enabled(if: SyslogReceiver.installed || SyslogReceiver.isCI, Comment(rawValue: SyslogReceiver.skipMessage)))
    func everySealReachesRsyslogOverTLS() async throws {
        guard SyslogReceiver.available() else { return }
        let setup = try SyslogInteropTests.Setup(.rsyslog, mutualTLS: false)
        defer { setup.tearDown() }
        let key = try Self.keyFile(in: setup.directory.path)
        let archive = setup.directory.path + "/archive"
        try await MockComplianceAPI.withRunning(configuration: PipelineSinkTests.mockConfiguration(backlog: 6_000)) {
            mock in
            let expected = mock.allIDs()
            _ = try await PipelineSinkTests.runForwarder(
                mock,
                sinks: Self.archiveSink(archive, key: key) + "\n"
                    + """
                          - name: siem
                            type: syslog
                            format: cef
                            address: 127.0.0.1:\(setup.receiver.port)
                            transport: tls
                            tls: { ca_file: \(setup.certificates)/ca.pem, server_name: localhost }
                            reconnect: { initial_backoff: 100ms, max_backoff: 1s }
                    """,
                directory: setup.directory.path + "/forwarder"
            )
            let manifests = try Self.manifestHashes(archive)
            var messages: [SyslogReceiver.Message] = []
            _ = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                messages = (try? setup.receiver.messages()) ?? []
                return messages.filter { $0.msgid == ArchiveAnchor.action }.count >= manifests.count
                    && SyslogReceiver.ids(in: messages).count >= expected.count
            }
            let received = SyslogReceiver.ids(in: messages)
            #expect(received.sorted() == expected.sorted(), "every activity exactly once")
            var anchored: [String: String] = [:]
            for message in messages where message.msgid == ArchiveAnchor.action {
                #expect(message.msg.hasPrefix("CEF:0|Anthropic|Claude Compliance|"))
                #expect(message.msg.contains("|archive_segment_sealed|Archive segment sealed|3|"))
                let segment = try #require(Self.value(of: "fname", in: message.msg))
                let hash = try #require(Self.value(of: "cs1", in: message.msg))
                #expect(Self.value(of: "cs1Label", in: message.msg) == "manifestSha256")
                #expect(message.sd.contains("manifestSha256=\"\(hash)\""))
                #expect(anchored[segment] == nil, "one anchor per seal: \(segment)")
                anchored[segment] = hash
            }
            let onDisk = Dictionary(
                uniqueKeysWithValues: manifests.map { (String($0.key.dropLast(".manifest.json".count)), $0.value) }
            )
            #expect(anchored == onDisk, "one anchor per manifest, with the manifest file's SHA-256")
        }
    }

    /// A CEF extension value (these contain no spaces or escapes).
    static func value(of key: String, in cef: String) -> String? {
        guard let range = cef.range(of: " \(key)=") else { return nil }
        return String(cef[range.upperBound...].prefix { $0 != " " })
    }

    /// A receiver that refuses every anchor: activities are delivered exactly once as before, the
    /// checkpoint advances to the end, and shutdown gives up on the anchors instead of hanging.
    @Test func anchorsRefusedDoNotDisturbTheActivityStream() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let recorder = WebhookRecorder(refuseAnchors: true)
        let key = try Self.keyFile(in: directory.path)
        let archive = directory.path + "/archive"
        try await MockComplianceAPI.withRunning(configuration: PipelineSinkTests.mockConfiguration(backlog: 2_000)) {
            mock in
            let expected = mock.allIDs()
            let pipeline = try await TestHTTPServer.withRunning(recorder.handle) { server in
                try await PipelineSinkTests.runForwarder(
                    mock,
                    sinks: Self.sinks(archive: archive, key: key, url: server.baseURL),
                    directory: directory.path + "/forwarder"
                )
            }
            let state = recorder.state.withLock { $0 }
            #expect(state.activityIDs.sorted() == expected.sorted(), "every activity exactly once")
            #expect(state.anchors.isEmpty)
            #expect(state.anchorsRefused > 0, "anchors were tried")
            #expect(pipeline.checkpointer.committed.cursor == expected.last)
            #expect(try Self.manifestHashes(archive).count >= 2)
        }
    }

    /// A receiving sink that never takes its anchors cannot hold up a seal: the file sink seals
    /// every segment on time, and the inbox keeps only the newest anchors (each manifest links to
    /// the one before, so the newest still commits to all of them).
    @Test func aStalledReceiverNeverDelaysASeal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var file = ForwarderConfiguration.FileSink(directory: directory.path + "/archive")
        file.rotate.maximumBytes = 1 << 10
        let sink = FileSink(name: "archive", configuration: file, encoder: .raw)
        let stalled = RecordingSink(name: "siem", stalled: true, receivesAnchors: true)
        let routes = try #require(ArchiveAnchorRoutes(sinks: [sink, stalled], capacity: 3))
        let context = SinkContext(
            index: 0,
            name: "archive",
            acknowledger: CountingAcknowledger(),
            deadLetters: DeadLetterWriter(directory: directory.path + "/dlq"),
            logger: Logger(label: "anchor-test"),
            metrics: SinkMetrics(sink: "archive"),
            anchors: routes
        )
        let activities = SyslogSinkHarness.activities(count: 200)
        let channel = SinkChannel(maximumEvents: 10_000, maximumBytes: 64 << 20)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await SinkDriver.run(sink, from: channel, context: context) }
            for batch in SyslogSinkHarness.batches(activities, size: 20) { try await channel.send(.batch(batch)) }
            channel.finish()
            try await group.waitForAll()
        }
        let manifests = try Self.manifestHashes(directory.path + "/archive")
        #expect(manifests.count == 10, "one seal per batch (each over max_bytes), the last at shutdown")
        let inbox = try #require(routes.inbox(for: 1))
        #expect(inbox.count == 3, "bounded: the oldest anchors were dropped")
        var kept: [String] = []
        while let anchor = inbox.next() { kept.append(anchor.manifestSHA256) }
        let newest = manifests.sorted { $0.key < $1.key }.suffix(3).map(\.value)
        #expect(kept == Array(newest), "the newest anchors are kept, in order")
        #expect(routes.inbox(for: 0) == nil, "the publisher does not receive its own anchors")
    }
}
