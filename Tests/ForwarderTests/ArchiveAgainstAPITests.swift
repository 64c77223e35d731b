import ComplianceAPI
import Foundation
import MockComplianceAPI
import Testing

@testable import Forwarder

/// `archive verify --against-api` through the binary, against the in-repo mock serving the
/// records the archive was written from.
@Suite(.serialized) struct ArchiveAgainstAPITests {
    /// Runs `archive verify DIR --against-api` against a mock serving the fixture's records.
    func verifyAgainstAPI(
        _ directory: String,
        _ archive: ArchiveFixture.Archive
    ) async throws -> (status: Int32, output: String) {
        try await MockComplianceAPI.withRunning(configuration: archive.mockConfiguration) { mock in
            try #require(mock.allIDs() == archive.recordIDs, "the mock serves the archive's records again")
            let root = try TemporaryDirectory()
            defer { root.remove() }
            let config = root.path + "/forwarder.yaml"
            try """
            source:
              base_url: \(mock.baseURL)
              api_key: sk-ant-api01-archive-test
            checkpoint:
              path: \(root.path)/checkpoint.json
            sinks:
              - name: archive
                type: file
                format: ecs
                directory: \(directory)
            """.write(toFile: config, atomically: true, encoding: .utf8)
            return try await ForwarderProcess.run([
                "archive", "verify", directory, "--public-key", archive.publicKeyFile, "--json",
                "--against-api", "--config", config,
                "--since", archive.since.wireText, "--until", archive.until.wireText,
            ])
        }
    }

    func pristine() async throws -> ArchiveFixture.Archive {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let archive = try await ArchiveFixture.shared.value
        try #require(archive.backfillStatus == 0, "\(archive.backfillOutput)")
        return archive
    }

    func problems(_ output: String) throws -> (status: String?, api: JSONObject?, problems: [JSONObject]) {
        let json = try #require(
            try JSONParser.parse(output.trimmingCharacters(in: .whitespacesAndNewlines)).objectValue,
            "\(output)"
        )
        return (
            json.string("status"), json["api"]?.objectValue,
            (json["problems"]?.arrayValue ?? []).compactMap(\.objectValue)
        )
    }

    @Test func aCompleteArchiveWrittenByABackfillPasses() async throws {
        let archive = try await pristine()
        let (status, output) = try await verifyAgainstAPI(archive.directory, archive)
        #expect(status == 0, "\(output)")
        let report = try problems(output)
        #expect(report.status == "intact")
        #expect(report.api?["listed"]?.int64Value == Int64(archive.recordIDs.count))
        #expect(report.api?["archived"]?.int64Value == Int64(archive.recordIDs.count))
        #expect(report.api?["missing"]?.int64Value == 0)
        #expect(report.api?["unknown"]?.int64Value == 0)
        #expect((report.api?["requests"]?.int64Value ?? 0) >= 1)
    }

    /// An attacker without the key removes records from a segment, re-compresses it with correct
    /// member records, rewrites its manifest and re-links every later manifest: only the
    /// signatures show it, and the API comparison names every removed id.
    @Test func recordsRemovedAndTheChainRebuiltWithoutTheKeyAreNamed() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let segments = try ArchiveFixture.segments(copy.path)
        let victimIndex = segments.count / 2
        let victim = segments[victimIndex]
        let removed = try removeRecords(from: copy.path, segment: victim)
        try #require(!removed.isEmpty)
        var link = SegmentManifest.Link(
            segment: victim,
            manifestSHA256: ArchiveDigest.hex(try bytes(copy.path + "/" + victim + ".manifest.json"))
        )
        for later in segments[(victimIndex + 1)...] {
            let path = copy.path + "/" + later + ".manifest.json"
            var manifest = try SegmentManifest(json: try JSONParser.parse(try bytes(path)))
            manifest.previous = link
            try Data(manifest.fileBytes).write(to: URL(fileURLWithPath: path))
            link = SegmentManifest.Link(segment: later, manifestSHA256: ArchiveDigest.hex(manifest.fileBytes))
        }

        let (status, output) = try await verifyAgainstAPI(copy.path, archive)
        #expect(status == 65, "\(output)")
        let report = try problems(output)
        #expect(report.status == "tampered_or_incomplete")
        let checks = report.problems.map { ($0.string("file") ?? "", $0.string("check") ?? "") }
        #expect(checks.contains { $0 == (victim + ".manifest.json", "signature") }, "\(output)")
        #expect(!checks.contains { $0.1 == "chain-link" || $0.1 == "segment-sha256" }, "the attacker repaired those")
        let missing = report.problems.filter { $0.string("check") == "api-missing" }
        #expect(missing.count == removed.count, "\(output)")
        for id in removed {
            #expect(
                missing.contains { ($0.string("message") ?? "").hasPrefix(id) && $0.string("file") == victim },
                "\(id) named"
            )
        }
        #expect(report.api?["missing"]?.int64Value == Int64(removed.count))
        #expect(report.api?["unknown"]?.int64Value == 0)
    }

    /// Removes every other line after the first of the segment's first member and writes the
    /// segment and its manifest back consistently (member record, lengths, hashes), unsigned-key
    /// style: the old signature stays. Returns the removed ids.
    func removeRecords(from directory: String, segment: String) throws -> [String] {
        let path = directory + "/" + segment
        let scan = GzipMemberScanner.memberComments(try bytes(path), keepOutput: true)
        let encoder = try GzipMemberEncoder(level: 6)
        var output: [UInt8] = []
        var records: [ArchiveMemberRecord] = []
        var removed: [String] = []
        for (index, member) in scan.members.enumerated() {
            var record = ArchiveMemberRecord(headerComment: member.comment)
            var lines = member.output.split(separator: 0x0A)
            if index == 0 {
                let kept = lines.enumerated().filter { $0.offset == 0 || $0.offset % 2 == 1 }.map(\.element)
                let dropped = lines.enumerated().filter { $0.offset != 0 && $0.offset % 2 == 0 }.map(\.element)
                removed = dropped.compactMap { ArchiveLineReader.read($0, format: record.lineFormat).id }
                lines = kept
            }
            var hasher = ArchiveDigest.RecordsHasher()
            for line in lines {
                hasher.add(try #require(ArchiveLineReader.read(line, format: record.lineFormat).hash))
            }
            record.records = lines.count
            record.recordsSHA256 = hasher.finalize()
            record.last = lines.last.flatMap { line in
                let facts = ArchiveLineReader.read(line, format: record.lineFormat)
                return facts.id.map { .init(id: $0, createdAt: facts.createdAt?.description ?? "") }
            }
            try encoder.compress(
                Array(lines.joined(separator: [0x0A])) + [0x0A],
                comment: record.canonicalBytes,
                into: &output
            )
            records.append(record)
        }
        try Data(output).write(to: URL(fileURLWithPath: path))
        let manifestPath = path + ".manifest.json"
        let original = try SegmentManifest(json: try JSONParser.parse(try bytes(manifestPath)))
        var forged = SegmentManifest(
            sink: original.sink,
            segment: segment,
            segmentBytes: output.count,
            segmentSHA256: ArchiveDigest.hex(output),
            members: records,
            sealedAt: original.sealedAt,
            sealReason: SegmentManifest.SealReason(rawValue: original.sealReason) ?? .rotation,
            previous: original.previous
        )
        forged.signature = original.signature
        try Data(forged.fileBytes).write(to: URL(fileURLWithPath: manifestPath))
        return removed
    }

    func bytes(_ path: String) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
