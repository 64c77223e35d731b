import ComplianceAPI
import Crypto
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// The `type: s3` sink against `moto_server`, the local S3 API standing in for AWS: keys,
/// checksums, Object Lock headers read back with `HEAD`, every id in the bucket, acknowledgements
/// only after the store confirmed, and an outage that loses nothing.
@Suite(
    .serialized,
    .enabled(if: MotoS3Server.installed || SyslogReceiver.isCI, Comment(rawValue: MotoS3Server.skipMessage))
)
struct S3SinkTests {
    static let day: Duration = .seconds(86_400)

    func sink(
        _ moto: MotoS3Server,
        bucket: String,
        spool: String,
        objectLock: ForwarderConfiguration.S3Sink.ObjectLock? = nil,
        requestTimeout: Duration = .seconds(10),
        spoolMaximumBytes: Int = 1 << 30
    ) -> S3Sink {
        var configuration = moto.configuration(bucket: bucket, spool: spool, objectLock: objectLock)
        configuration.rotate = .init(maximumBytes: 4 << 10, maximumAge: .seconds(3600))
        configuration.spoolMaximumBytes = spoolMaximumBytes
        return S3Sink(
            name: "vault",
            configuration: configuration,
            encoder: EventEncoder(format: .ecs),
            credentials: MotoS3Server.credentials,
            backoff: RetryPolicy(
                initialBackoff: .milliseconds(50),
                maximumBackoff: .milliseconds(500),
                maximumRetries: nil
            ),
            requestTimeout: requestTimeout
        )
    }

    /// The activity ids in one uploaded object.
    static func ids(in object: [UInt8]) -> [String] {
        let text = GzipDecoder.decompress(object)
        return text.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let object = try? JSONParser.parse(Array(line)).objectValue else { return nil }
            return object["event"]?.objectValue?.string("id") ?? object.string("id")
        }
    }

    @Test func segmentsArriveWithDeterministicKeysChecksumsAndRetention() async throws {
        guard MotoS3Server.available() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let moto = try await MotoS3Server.start(logDirectory: directory.path)
        defer { moto.stop() }
        try await moto.createBucket("audit", objectLock: true)
        let lock = ForwarderConfiguration.S3Sink.ObjectLock(mode: .compliance, retain: Self.day * 3)
        let sink = sink(moto, bucket: "audit", spool: directory.path + "/spool", objectLock: lock)
        let batches = HTTPTestEvents.batches(0..<3000, batchSize: 100)
        let startedAt = RFC3339Timestamp.now
        let run = try await HTTPSinkHarness.run(sink, batches: batches)
        #expect(run.acknowledger.count == 3000)
        #expect(run.acknowledger.repeats == 0)

        try await moto.withClient(bucket: "audit") { client in
            let keys = try await client.listKeys()
            let objects = keys.filter { !$0.hasSuffix(".manifest.json") }
            #expect(objects.count > 1, "4 KiB segments: several objects")
            #expect(Set(keys) == Set(objects.flatMap { [$0, $0 + ".manifest.json"] }), "each object has its manifest")
            var found: [String] = []
            for key in objects {
                let bytes = try await client.get(key)
                let ids = Self.ids(in: bytes)
                found += ids
                // vault/2026/12/07/vault_<first id>_<last id>_<first 16 hex digits of its SHA-256>.ndjson.gz
                let parts = key.split(separator: "/")
                let digest = String(WebhookSigner.hex(SHA256.hash(data: bytes)).prefix(16))
                #expect(parts.count == 5 && parts[0] == "vault", "\(key)")
                #expect(
                    parts.last == Substring("vault_\(ids.first ?? "")_\(ids.last ?? "")_\(digest).ndjson.gz"),
                    "\(key)"
                )

                let head = try await client.head(key)
                #expect(head.status == 200)
                #expect(head.headers.first(name: "x-amz-object-lock-mode") == "COMPLIANCE")
                let until = head.headers.first(name: "x-amz-object-lock-retain-until-date").flatMap {
                    RFC3339Timestamp($0)
                }
                let expected = startedAt.adding(Self.day * 3)
                #expect(
                    until.map { abs($0.duration(since: expected).components.seconds) < 300 } == true,
                    "\(String(describing: until))"
                )
                let md5 = Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                #expect(head.headers.first(name: "etag")?.replacingOccurrences(of: "\"", with: "") == md5)
                if let checksum = head.headers.first(name: "x-amz-checksum-sha256") {
                    #expect(checksum == Data(SHA256.hash(data: bytes)).base64EncodedString())
                }
                let manifestHead = try await client.head(key + ".manifest.json")
                #expect(manifestHead.headers.first(name: "x-amz-object-lock-mode") == "COMPLIANCE")
            }
            let expectedIDs = batches.flatMap { $0.events.map(\.activity.id) }
            #expect(found.sorted() == expectedIDs.sorted(), "every id exactly once")
        }
        // The spool keeps only the newest manifest (the chain's head).
        let spool = try directory.files(in: "spool")
        #expect(spool.allSatisfy { $0.hasSuffix(".manifest.json") } && spool.count == 1, "\(spool)")
        #expect(!run.logText.contains(MotoS3Server.secretAccessKey))
    }

    @Test func aStoreOutageHoldsAcknowledgementsAndLosesNothing() async throws {
        guard MotoS3Server.available() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let moto = try await MotoS3Server.start(logDirectory: directory.path)
        defer {
            moto.resume()
            moto.stop()
        }
        try await moto.createBucket("outage", objectLock: false)
        // A 16 KiB spool bound: far less than the 5,000 activities take, compressed.
        let spool = directory.path + "/spool"
        let sink = sink(moto, bucket: "outage", spool: spool, requestTimeout: .seconds(2), spoolMaximumBytes: 16 << 10)
        let batches = HTTPTestEvents.batches(0..<5000, batchSize: 100)
        @Sendable func spooledBytes() -> Int {
            let names = (try? directory.files(in: "spool")) ?? []
            return names.filter { $0.hasSuffix(".gz") || $0.hasSuffix(".gz.tmp") }
                .reduce(0) { $0 + (PosixFile.status(spool + "/" + $1)?.size ?? 0) }
        }
        moto.pause()
        let run = try await HTTPSinkHarness.run(sink, batches: batches) { run in
            // Stopped for 30 s: nothing is acknowledged, the sink says why it is unhealthy, and
            // the spool stays within its bound (plus the active segment and one batch).
            let unhealthy = try await eventually(timeout: .seconds(30)) { !run.metrics.health.isHealthy }
            #expect(unhealthy)
            var largest = 0
            let until = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < until {
                largest = max(largest, spooledBytes())
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(run.acknowledger.count == 0, "nothing acknowledged while the store is down")
            #expect(largest > 0)
            #expect(largest <= (16 << 10) + (4 << 10) + (16 << 10), "spool grew to \(largest) bytes")
            moto.resume()
        }
        #expect(run.acknowledger.count == 5000)
        #expect(run.metrics.health.isHealthy)
        let (found, stored) = try await moto.withClient(bucket: "outage") { client in
            var found: [String] = []
            var stored = 0
            for key in try await client.listKeys() where !key.hasSuffix(".manifest.json") {
                let bytes = try await client.get(key)
                found += Self.ids(in: bytes)
                stored += bytes.count
            }
            return (found, stored)
        }
        #expect(Set(found) == Set(batches.flatMap { $0.events.map(\.activity.id) }))
        // The bound did hold something back: the whole feed is far larger than the spool may be.
        #expect(stored > 2 * ((16 << 10) + (4 << 10) + (16 << 10)), "\(stored) bytes stored")
        #expect(!run.logText.contains(MotoS3Server.secretAccessKey))
    }

    @Test func segmentsLeftInTheSpoolAreUploadedOnStartAndTheirRedeliveryIsNotStoredTwice() async throws {
        guard MotoS3Server.available() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let moto = try await MotoS3Server.start(logDirectory: directory.path)
        defer { moto.stop() }
        try await moto.createBucket("replay", objectLock: true)
        let spool = directory.path + "/spool"
        let lock = ForwarderConfiguration.S3Sink.ObjectLock(mode: .governance, retain: Self.day)
        let batches = HTTPTestEvents.batches(0..<1000, batchSize: 100)
        // First run: the store is unreachable, so every sealed segment stays in the spool.
        var unreachable = sink(moto, bucket: "replay", spool: spool, objectLock: lock, requestTimeout: .seconds(1))
        unreachable = S3Sink(
            name: unreachable.name,
            configuration: {
                var configuration = unreachable.configuration
                configuration.endpoint = "http://127.0.0.1:9"
                return configuration
            }(),
            encoder: unreachable.encoder,
            credentials: MotoS3Server.credentials,
            backoff: unreachable.backoff,
            requestTimeout: .seconds(1)
        )
        let first = try? await HTTPSinkHarness.run(unreachable, batches: batches, timeout: .seconds(5))
        #expect(first == nil, "the first run cannot finish")
        let left = try directory.files(in: "spool").filter { $0.hasSuffix(".ndjson.gz") }.sorted()
        #expect(!left.isEmpty)
        let copy = directory.path + "/spool-copy"
        try FileManager.default.copyItem(atPath: spool, toPath: copy)
        // Second run: the spool is uploaded, and the same activities, read again from the
        // checkpoint (plus 200 new ones), are acknowledged with it instead of being stored twice.
        let redelivered = HTTPTestEvents.batches(0..<1200, batchSize: 100)
        let second = try await HTTPSinkHarness.run(
            sink(moto, bucket: "replay", spool: spool, objectLock: lock),
            batches: redelivered
        )
        #expect(second.acknowledger.count == 1200, "every redelivered activity acknowledged")
        #expect(second.acknowledger.repeats == 0)
        let (keys, found) = try await moto.withClient(bucket: "replay") { client in
            let keys = try await client.listKeys().filter { !$0.hasSuffix(".manifest.json") }
            var found: [String] = []
            for key in keys {
                let ids = Self.ids(in: try await client.get(key))
                found += ids
                #expect(key.contains("vault_\(ids.first ?? "")_\(ids.last ?? "")_"), "\(key)")
                #expect(try await client.head(key).headers.first(name: "x-amz-object-lock-mode") == "GOVERNANCE")
            }
            return (keys, found)
        }
        #expect(keys.count >= left.count)
        // Each activity once: the recovered segments hold 0..<1000, a new one the 200 others.
        #expect(found.sorted() == redelivered.flatMap { $0.events.map(\.activity.id) }.sorted())
        #expect(try directory.files(in: "spool").allSatisfy { $0.hasSuffix(".manifest.json") })

        // As if a run had died after its uploads but before removing them from the spool: the
        // next run finds the same bytes under the keys (HEAD) and sends nothing again.
        try FileManager.default.removeItem(atPath: spool)
        try FileManager.default.moveItem(atPath: copy, toPath: spool)
        let putsBefore = try moto.requests(method: "PUT")
        let third = try await HTTPSinkHarness.run(
            sink(moto, bucket: "replay", spool: spool, objectLock: lock),
            batches: []
        )
        #expect(third.acknowledger.count == 0)
        #expect(try moto.requests(method: "PUT") == putsBefore, "already stored segments were uploaded again")
        #expect(third.logText.contains("already_stored\": true"), "\(third.logText)")
        #expect(try directory.files(in: "spool").allSatisfy { $0.hasSuffix(".manifest.json") })
    }

    @Test func archiveVerifyChecksTheChainInTheBucketAndNamesATamperedObject() async throws {
        guard MotoS3Server.available() else { return }
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let moto = try await MotoS3Server.start(logDirectory: directory.path)
        defer { moto.stop() }
        // No lock here: the test overwrites an object afterwards, as a tamperer would.
        try await moto.createBucket("chain", objectLock: false)
        let keys = try ArchiveKeyFiles.generate(in: directory.path + "/keys")
        var sink = sink(moto, bucket: "chain", spool: directory.path + "/spool")
        var configuration = sink.configuration
        configuration.signingKeyFile = keys.privateKeyPath
        sink = S3Sink(
            name: sink.name,
            configuration: configuration,
            encoder: sink.encoder,
            credentials: MotoS3Server.credentials,
            backoff: sink.backoff
        )
        _ = try await HTTPSinkHarness.run(sink, batches: HTTPTestEvents.batches(0..<1500, batchSize: 100))
        let config = directory.path + "/forwarder.yaml"
        try """
        source: { api_key: sk-ant-api01-verify }
        checkpoint: { path: \(directory.path)/cp.json }
        sinks:
          - name: vault
            type: s3
            bucket: chain
            region: us-east-1
            endpoint: \(moto.endpoint)
            path_style: true
            spool_directory: \(directory.path)/spool
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let arguments = [
            "archive", "verify", "s3://chain/vault/", "--config", config, "--public-key", keys.publicKeyPath,
        ]
        let (status, output) = try await ForwarderProcess.run(
            arguments,
            environment: MotoS3Server.credentialsEnvironment
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("INTACT"))
        #expect(!output.contains(MotoS3Server.secretAccessKey))

        // Replace one object with other bytes: verify names it and exits 65.
        try await moto.withClient(bucket: "chain") { client in
            let key = try #require(try await client.listKeys().first { !$0.hasSuffix(".manifest.json") })
            let forged = Array("forged\n".utf8)
            let reply = try await client.send(method: .PUT, key: key, body: .bytes(forged))
            #expect(reply.status == 200)
        }
        let (tamperedStatus, tamperedOutput) = try await ForwarderProcess.run(
            arguments,
            environment: MotoS3Server.credentialsEnvironment
        )
        #expect(tamperedStatus == 65, "\(tamperedOutput)")
        #expect(!tamperedOutput.contains("INTACT"))
    }
}
