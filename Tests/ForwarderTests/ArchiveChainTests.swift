import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// The manifest chain across crashes and restarts, on real files: a segment repaired after a
/// crash gets its manifest, and the chain head is recovered from disk, never restarted.
@Suite struct ArchiveChainTests {
    static func configuration(_ directory: String) -> ForwarderConfiguration.FileSink {
        ForwarderConfiguration.FileSink(directory: directory)
    }

    /// `count` raw lines and their member record, as the file sink would write them.
    func batch(_ first: Int, _ count: Int) -> (payload: [UInt8], member: ArchiveMemberRecord) {
        var payload: [UInt8] = []
        var hasher = ArchiveDigest.RecordsHasher()
        for number in first..<(first + count) {
            let line = Array("{\"id\":\"activity_\(number)\",\"created_at\":\"2026-01-01T00:00:00Z\"}".utf8)
            hasher.add(ArchiveLineReader.read(line[...], format: "raw").hash ?? RecordHash.zero)
            payload += line + [0x0A]
        }
        let member = ArchiveMemberRecord(
            lineFormat: "raw",
            records: count,
            first: .init(id: "activity_\(first)", createdAt: "2026-01-01T00:00:00.000Z"),
            last: .init(id: "activity_\(first + count - 1)", createdAt: "2026-01-01T00:00:00.000Z"),
            recordsSHA256: hasher.finalize(),
            page: BatchProvenance(
                startCursor: nil,
                lastID: "activity_\(first + count - 1)",
                count: count,
                requestID: "req_\(first)",
                late: false
            )
        )
        return (payload, member)
    }

    @Test func aSegmentRepairedAfterACrashIsSealedAndTheChainContinues() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = ArchiveSigningKey.generate()
        var sequence = 0
        let clock: @Sendable () -> RFC3339Timestamp = { .now }
        do {
            let writer = try GzipSegmentWriter(
                configuration: Self.configuration(directory.path),
                fileExtension: "ndjson",
                now: clock,
                archive: ("archive", key)
            )
            for _ in 0..<2 {
                let (payload, member) = batch(sequence, 5)
                try writer.append(payload, member: member)
                sequence += 5
            }
            try writer.close(reason: .rotation)
            let (payload, member) = batch(sequence, 5)
            try writer.append(payload, member: member)
            sequence += 5
            // The crash: no seal, and half a member at the tail.
        }
        let active = try #require(try directory.files().first { $0.hasSuffix(".tmp") })
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.path + "/" + active))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x1F, 0x8B, 0x08, 0x10, 0x00, 0x00]))
        try handle.close()

        let restarted = try GzipSegmentWriter(
            configuration: Self.configuration(directory.path),
            fileExtension: "ndjson",
            now: clock,
            archive: ("archive", key)
        )
        let repaired = String(active.dropLast(4))
        let manifestBytes = try Array(
            Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + repaired + ".manifest.json"))
        )
        let manifest = try SegmentManifest(json: try JSONParser.parse(manifestBytes))
        #expect(manifest.sealReason == "repair")
        #expect(manifest.records == 5)
        #expect(manifest.members.first?.page?.requestID == "req_10", "the provenance survives in the member header")
        #expect(manifest.previous != nil, "the repaired segment links to the one before it")

        let (payload, member) = batch(sequence, 3)
        try restarted.append(payload, member: member)
        try restarted.close()
        #expect(restarted.chain?.head?.segment != repaired)

        let report = try ArchiveVerifier(directory: directory.path, options: .init(publicKey: key.publicKeyBase64))
            .verify()
        #expect(report.isIntact, "\(report.text)")
        #expect(report.manifestsChecked == 3)
        #expect(report.recordsChecked == 18)
    }

    @Test func segmentsRemovedByRetentionPassWithANoteAndTheRestIsChecked() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = ArchiveSigningKey.generate()
        var configuration = Self.configuration(directory.path)
        configuration.retention.maximumFiles = 2
        let writer = try GzipSegmentWriter(
            configuration: configuration,
            fileExtension: "ndjson",
            now: { .now },
            archive: ("archive", key)
        )
        for round in 0..<5 {
            let (payload, member) = batch(round * 10, 10)
            try writer.append(payload, member: member)
            try writer.close(reason: .rotation)
        }
        let files = try directory.files()
        #expect(files.filter { $0.hasSuffix(".gz") }.count == 2)
        #expect(files.filter { $0.hasSuffix(".retention.json") }.count == 3)
        let options = ArchiveVerifier.Options(publicKey: key.publicKeyBase64)
        let report = try ArchiveVerifier(directory: directory.path, options: options).verify()
        #expect(report.isIntact, "\(report.text)")
        #expect(report.problems.filter { $0.check == "retention" && $0.message.contains("max_files 2") }.count == 3)
        #expect(report.recordsChecked == 20)

        // A retention record cannot excuse a deletion it does not sign for.
        let forged = try #require(files.first { $0.hasSuffix(".retention.json") })
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory.path + "/" + forged))
        let tampered = try ArchiveVerifier(directory: directory.path, options: options).verify()
        #expect(tampered.errors.contains { $0.check == "segment-missing" })
    }

    @Test func unsignedManifestsVerifyWithAWarning() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try GzipSegmentWriter(
            configuration: Self.configuration(directory.path),
            fileExtension: "ndjson",
            now: { .now },
            archive: ("archive", nil)
        )
        let (payload, member) = batch(0, 4)
        try writer.append(payload, member: member)
        try writer.close()
        let report = try ArchiveVerifier(directory: directory.path).verify()
        #expect(report.isIntact, "\(report.text)")
        #expect(report.problems.contains { $0.severity == .warning && $0.check == "unsigned" })
        let pinned = try ArchiveVerifier(
            directory: directory.path,
            options: .init(publicKey: ArchiveSigningKey.generate().publicKeyBase64)
        ).verify()
        #expect(!pinned.isIntact, "an expected signer makes unsigned manifests an error")
    }

    @Test func canonicalJSONMatchesPythonsSortedCompactForm() throws {
        let value = try JSONParser.parse(#"{"b":[1,{"z":null,"a":true}],"a":"é\n\"\\","A":"\u0001"}"#)
        let text = String(decoding: CanonicalJSON.serialize(value), as: UTF8.self)
        #expect(text == #"{"A":"\u0001","a":"\u00e9\n\"\\","b":[1,{"a":true,"z":null}]}"#)
    }
}
