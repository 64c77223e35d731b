import ComplianceAPI
import Foundation
import MockComplianceAPI
import Testing

@testable import Forwarder

/// The promise users buy the forwarder for: killed at any instant, it loses nothing.
@Suite(.serialized) struct CrashSafetyTests {
    static let kills = 20
    static let backlog = 200_000

    @Test func sigkillAtRandomMomentsLosesNoActivity() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let now = RFC3339Timestamp.now
        let configuration = MockComplianceAPI.Configuration(
            backlog: Self.backlog,
            backlogSpan: .seconds(6 * 3600),
            backlogEnd: now.adding(.seconds(-90)),
            liveRate: 150,
            ingestionDelay: .seconds(1),
            lateFraction: 0.05,
            maximumLateness: .seconds(8),
            recordAccess: false
        )
        let keys = try ArchiveKeyFiles.generate(in: directory.path + "/keys")
        try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
            let start = now.adding(.seconds(-6 * 3600 - 120)).wireText
            let yaml = """
                source:
                  base_url: \(mock.baseURL)
                  api_key: sk-ant-api01-crash-test
                  start: \(start)
                  page_size: 2000
                  poll_interval: 500ms
                  lookback: 2m
                  budget: { max_requests_per_minute: 600, reserve_fraction: 0 }
                checkpoint:
                  path: \(directory.path)/state/checkpoint.json
                  flush_interval: 200ms
                dead_letter:
                  directory: \(directory.path)/state/dead-letter
                pipeline:
                  channel: { max_events: 10000 }
                sinks:
                  - name: archive
                    type: file
                    format: raw
                    directory: \(directory.path)/archive
                    rotate: { max_bytes: 8MiB, max_age: 1h }
                    signing_key_file: \(keys.privateKeyPath)
                server:
                  listen: 127.0.0.1:0
                log:
                  level: warning
                  format: json
                """
            let configPath = directory.path + "/forwarder.yaml"
            try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
            let log = URL(fileURLWithPath: directory.path + "/forwarder.log")

            // Every fourth kill lands during start-up and recovery; the others once this run has
            // committed progress. Either way the instant itself is random: that is the test.
            let advanced = try await ForwarderProcess.killRepeatedly(
                configPath: configPath,
                log: log,
                checkpoint: CheckpointStore(path: directory.path + "/state/checkpoint.json"),
                kills: Self.kills,
                delay: 50...2000,
                waitsForProgress: { round in round % 4 != 0 }
            )
            mock.stopLiveGeneration()

            let final = try ForwarderProcess.start(["run", "--config", configPath], output: log)
            let expected = Set(mock.allIDs())
            var delivered: [String] = []
            // Reading the whole archive is expensive: look every few seconds.
            let complete = try await eventually(timeout: .seconds(600), every: .seconds(3)) {
                delivered = (try? archivedIDs(directory.path + "/archive")) ?? []
                return expected.isSubset(of: Set(delivered))
            }
            final.signal(SIGTERM)
            let status = try await final.waitForExit()
            delivered = try archivedIDs(directory.path + "/archive")

            let unique = Set(delivered)
            let lost = expected.subtracting(unique)
            let duplicates = delivered.count - unique.count
            print(
                "crash safety: \(Self.kills) SIGKILLs (the checkpoint advanced in \(advanced) of the killed runs), "
                    + "\(expected.count) activities, delivered \(unique.count), lost \(lost.count), duplicates \(duplicates)"
            )
            #expect(advanced >= Self.kills / 2, "most kills must land while work is in progress")
            #expect(complete, "not every activity reached the archive")
            #expect(lost.isEmpty, "lost: \(lost.prefix(5))")
            #expect(status == 0, "SIGTERM drains and exits 0")
            #expect(try directory.files(in: "archive").allSatisfy { !$0.hasSuffix(".tmp") })
            // The chain survives the kills: every repaired segment sealed, none missing or forged.
            let report = try ArchiveVerifier(
                directory: directory.path + "/archive",
                options: .init(publicKey: try ArchiveKeyFiles.loadPublicKey(path: keys.publicKeyPath))
            ).verify()
            #expect(report.isIntact, "\(report.text)")
            #expect(report.recordsChecked == delivered.count)
            print("crash safety: archive verify after the kills: \(report.text.split(separator: "\n").last ?? "")")
            // In flight per kill: a channel (10 000) plus a page being handed over (2000) plus what
            // was acknowledged in the last checkpoint interval.
            #expect(duplicates <= Self.kills * 25_000)
            if !lost.isEmpty || status != 0 {
                print((try? String(contentsOf: log, encoding: .utf8).suffix(4000)) ?? "")
            }
        }
    }
}

/// Every activity id in the archive: final files and the verified prefix of an active segment.
func archivedIDs(_ directory: String) throws -> [String] {
    var ids: [String] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { continue }
        let text = GzipDecoder.decompress(Array(data))
        for line in text.split(separator: UInt8(ascii: "\n")) {
            if let object = try? JSONParser.parse(Array(line)).objectValue,
                let id = object.string("id") ?? object["event"]?.objectValue?.string("id")
            {
                ids.append(id)
            }
        }
    }
    return ids
}
