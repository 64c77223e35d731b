import ComplianceAPI
import Crypto
import Foundation
import MockComplianceAPI
import Testing

@testable import Forwarder

/// The s3 sink in the real executable, against the mock Compliance API and `moto_server`: a
/// backfill with live and late rows, SIGKILLed at random instants while it uploads, loses no
/// activity and leaves no partial object and no segment stored under two keys.
@Suite(
    .serialized,
    .enabled(if: MotoS3Server.installed || SyslogReceiver.isCI, Comment(rawValue: MotoS3Server.skipMessage))
)
struct S3CrashTests {
    static let kills = 12
    static let backlog = 100_000

    @Test func sigkillsDuringUploadsLoseNothingAndLeaveNoPartialOrDuplicateObject() async throws {
        guard MotoS3Server.available() else { return }
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let moto = try await MotoS3Server.start(logDirectory: directory.path)
        defer { moto.stop() }
        try await moto.createBucket("crash", objectLock: true)
        let now = RFC3339Timestamp.now
        let configuration = MockComplianceAPI.Configuration(
            backlog: Self.backlog,
            backlogSpan: .seconds(6 * 3600),
            backlogEnd: now.adding(.seconds(-90)),
            liveRate: 50,
            ingestionDelay: .seconds(1),
            lateFraction: 0.05,
            maximumLateness: .seconds(8),
            recordAccess: false
        )
        try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
            let start = now.adding(.seconds(-6 * 3600 - 120)).wireText
            let yaml = """
                source:
                  base_url: \(mock.baseURL)
                  api_key: sk-ant-api01-s3-crash-test
                  start: \(start)
                  page_size: 1000
                  poll_interval: 500ms
                  lookback: 2m
                  budget: { max_requests_per_minute: 600, reserve_fraction: 0 }
                checkpoint:
                  path: \(directory.path)/state/checkpoint.json
                  flush_interval: 200ms
                dead_letter:
                  directory: \(directory.path)/state/dead-letter
                sinks:
                  - name: vault
                    type: s3
                    format: raw
                    bucket: crash
                    region: us-east-1
                    endpoint: \(moto.endpoint)
                    path_style: true
                    rotate: { max_bytes: 256KiB, max_age: 2s }
                    object_lock: { mode: compliance, retain: 1d }
                    spool_directory: \(directory.path)/spool
                server:
                  listen: 127.0.0.1:0
                log:
                  level: warning
                  format: json
                """
            let configPath = directory.path + "/forwarder.yaml"
            try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
            let log = URL(fileURLWithPath: directory.path + "/forwarder.log")
            let advanced = try await ForwarderProcess.killRepeatedly(
                configPath: configPath,
                log: log,
                checkpoint: CheckpointStore(path: directory.path + "/state/checkpoint.json"),
                kills: Self.kills,
                delay: 50...1500,
                environment: MotoS3Server.credentialsEnvironment,
                waitsForProgress: { round in round % 4 != 0 }
            )
            mock.stopLiveGeneration()

            let final = try ForwarderProcess.start(
                ["run", "--config", configPath],
                output: log,
                environment: MotoS3Server.credentialsEnvironment
            )
            let expected = Set(mock.allIDs())
            // Late rows reach the bucket only after the overlap pass re-reads them: wait for all.
            let caughtUp = try await eventuallyAsync(timeout: .seconds(600), every: .seconds(3)) {
                let found = try? await moto.withClient(bucket: "crash") { client in
                    var ids: Set<String> = []
                    for key in try await client.listKeys() where !key.hasSuffix(".manifest.json") {
                        ids.formUnion(S3SinkTests.ids(in: try await client.get(key)))
                    }
                    return ids
                }
                return found.map { expected.isSubset(of: $0) } ?? false
            }
            final.signal(SIGTERM)
            let status = try await final.waitForExit()

            let (objects, byContent) = try await moto.withClient(bucket: "crash") { client in
                var objects: [String: [String]] = [:]
                var byContent: [String: [String]] = [:]
                for key in try await client.listKeys() where !key.hasSuffix(".manifest.json") {
                    let bytes = try await client.get(key)
                    let head = try await client.head(key)
                    // Whole: the store's MD5 is the bytes' MD5, and the gzip stream decodes to the end.
                    let md5 = Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                    #expect(head.headers.first(name: "etag")?.replacingOccurrences(of: "\"", with: "") == md5)
                    #expect(TestGzip.decompress(bytes) != nil, "\(key) is not a complete gzip stream")
                    objects[key] = S3SinkTests.ids(in: bytes)
                    byContent[WebhookSigner.hex(SHA256.hash(data: bytes)), default: []].append(key)
                    #expect(head.headers.first(name: "x-amz-object-lock-mode") == "COMPLIANCE")
                }
                return (objects, byContent)
            }
            let delivered = objects.values.flatMap { $0 }
            let lost = expected.subtracting(delivered)
            print(
                "s3 crash safety: \(Self.kills) SIGKILLs (checkpoint advanced in \(advanced)), \(expected.count) "
                    + "activities in \(objects.count) objects, lost \(lost.count), "
                    + "duplicates \(delivered.count - Set(delivered).count)"
            )
            #expect(caughtUp, "not every activity reached the bucket")
            #expect(lost.isEmpty, "lost: \(lost.prefix(5))")
            #expect(status == 0, "SIGTERM drains and exits 0")
            #expect(advanced >= Self.kills / 2, "most kills must land while work is in progress")
            // A segment uploaded again after a kill went to the same key: no content under two keys.
            #expect(byContent.values.allSatisfy { $0.count == 1 }, "\(byContent.values.filter { $0.count > 1 })")
            // Every key names its first and last activity.
            for (key, ids) in objects {
                #expect(key.contains("vault_\(ids.first ?? "")_\(ids.last ?? "")_"), "\(key)")
            }
            #expect(try directory.files(in: "spool").allSatisfy { $0.hasSuffix(".manifest.json") })

            // The bucket, read back through `archive verify s3:// --against-api`, holds every id
            // the API lists for the window, and none it does not know.
            let (verifyStatus, verifyOutput) = try await ForwarderProcess.run(
                [
                    "archive", "verify", "s3://crash/vault/", "--config", configPath, "--json", "--against-api",
                    "--since", start, "--until", RFC3339Timestamp.now.wireText,
                ],
                environment: MotoS3Server.credentialsEnvironment
            )
            // The output holds the copy's progress line (stderr) and the JSON report (stdout). The
            // status is 65 here however complete the bucket is: this sink signs nothing, so verify
            // reports unsigned manifests.
            let json = verifyOutput.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
            let report = try? JSONParser.parse(json)
            let api = try #require(report?.objectValue?["api"]?.objectValue, "\(verifyStatus): \(verifyOutput)")
            #expect(api["listed"]?.int64Value == Int64(expected.count), "\(api)")
            #expect(api["missing"]?.int64Value == 0, "\(api)")
            #expect(api["unknown"]?.int64Value == 0, "\(api)")
            // And the chain in the bucket is whole after the kills: the only finding is that this
            // sink signs nothing.
            let checks = (report?.objectValue?["problems"]?.arrayValue ?? []).compactMap {
                $0.objectValue?.string("check")
            }
            #expect(checks.allSatisfy { $0 == "unsigned" }, "\(verifyOutput)")
            #expect(!verifyOutput.contains(MotoS3Server.secretAccessKey))
            if !lost.isEmpty || status != 0 {
                print((try? String(contentsOf: log, encoding: .utf8).suffix(4000)) ?? "")
            }
        }
    }
}
