import ComplianceAPI
import Foundation
import Testing

@testable import Forwarder

/// `archive verify` on a real archive (the binary's backfill, real gzip, real Ed25519
/// signatures): intact passes, and each kind of tampering fails naming the file and the check.
@Suite(.serialized) struct ArchiveVerifyTests {
    func pristine() async throws -> ArchiveFixture.Archive {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let archive = try await ArchiveFixture.shared.value
        try #require(archive.backfillStatus == 0, "\(archive.backfillOutput)")
        return archive
    }

    func verify(_ directory: String, _ archive: ArchiveFixture.Archive) throws -> ArchiveVerificationReport {
        try ArchiveVerifier(directory: directory, options: .init(publicKey: archive.publicKey)).verify()
    }

    func expectError(_ report: ArchiveVerificationReport, file: String, check: String) {
        #expect(!report.isIntact)
        #expect(
            report.errors.contains { $0.file == file && $0.check == check },
            "expected \(check) on \(file); got:\n\(report.text)"
        )
    }

    @Test func aBackfillWithManyRotationsVerifiesIntactThroughTheBinary() async throws {
        let archive = try await pristine()
        let segments = try ArchiveFixture.segments(archive.directory)
        #expect(segments.count >= 10, "many rotations")
        #expect(Set(try archivedIDs(archive.directory)) == Set(archive.recordIDs))
        let (status, output) = try await ForwarderProcess.run([
            "archive", "verify", archive.directory, "--public-key", archive.publicKeyFile,
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("INTACT"))
        #expect(output.contains("checked \(segments.count) segment(s), \(archive.recordIDs.count) record(s)"))
        #expect(
            !output.contains(
                try String(contentsOfFile: archive.privateKeyFile, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines
                )
            )
        )
    }

    @Test func everyManifestCarriesItsBatchesProvenance() async throws {
        let archive = try await pristine()
        let segment = try #require(try ArchiveFixture.segments(archive.directory).first)
        let bytes = try Array(
            Data(contentsOf: URL(fileURLWithPath: archive.directory + "/" + segment + ".manifest.json"))
        )
        let manifest = try SegmentManifest(json: try JSONParser.parse(bytes))
        #expect(manifest.previous == nil, "the first segment starts the chain")
        let page = try #require(manifest.members.first?.page)
        #expect(page.requestID?.isEmpty == false)
        #expect(page.count > 0)
        #expect(page.lastID != nil)
        #expect(manifest.signature != nil)
    }

    @Test func aFlippedByteIsCaught() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let segments = try ArchiveFixture.segments(copy.path)
        let victim = segments[segments.count / 2]
        let path = copy.path + "/" + victim
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let report = try verify(copy.path, archive)
        expectError(report, file: victim, check: "segment-sha256")
        expectError(report, file: victim, check: "gzip")
    }

    @Test func aTruncatedGzipMemberIsCaught() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let victim = try ArchiveFixture.segments(copy.path)[3]
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: copy.path + "/" + victim))
        let size = try handle.seekToEnd()
        try handle.truncate(atOffset: size - 7)
        try handle.close()
        let report = try verify(copy.path, archive)
        expectError(report, file: victim, check: "gzip")
        expectError(report, file: victim, check: "segment-length")
    }

    @Test func aSegmentDeletedFromTheMiddleIsCaught() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let segments = try ArchiveFixture.segments(copy.path)
        let middle = segments.count / 2
        try FileManager.default.removeItem(atPath: copy.path + "/" + segments[middle])
        try FileManager.default.removeItem(atPath: copy.path + "/" + segments[middle] + ".manifest.json")
        let report = try verify(copy.path, archive)
        expectError(report, file: segments[middle + 1] + ".manifest.json", check: "chain-link")
        #expect(report.text.contains(segments[middle]), "the report names the missing segment")

        // Without its manifest gone too, the missing segment is named directly.
        let other = segments[1]
        try FileManager.default.removeItem(atPath: copy.path + "/" + other)
        expectError(try verify(copy.path, archive), file: other, check: "segment-missing")
    }

    @Test func twoSegmentsSwappedByRenamingAreCaught() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let segments = try ArchiveFixture.segments(copy.path)
        let (first, second) = (segments[2], segments[5])
        let manager = FileManager.default
        try manager.moveItem(atPath: copy.path + "/" + first, toPath: copy.path + "/swap")
        try manager.moveItem(atPath: copy.path + "/" + second, toPath: copy.path + "/" + first)
        try manager.moveItem(atPath: copy.path + "/swap", toPath: copy.path + "/" + second)
        var report = try verify(copy.path, archive)
        expectError(report, file: first, check: "segment-sha256")
        expectError(report, file: second, check: "segment-sha256")

        // Renaming the manifests along with them breaks the names and the chain order instead.
        try manager.moveItem(atPath: copy.path + "/" + first + ".manifest.json", toPath: copy.path + "/swap")
        try manager.moveItem(
            atPath: copy.path + "/" + second + ".manifest.json",
            toPath: copy.path + "/" + first + ".manifest.json"
        )
        try manager.moveItem(atPath: copy.path + "/swap", toPath: copy.path + "/" + second + ".manifest.json")
        report = try verify(copy.path, archive)
        expectError(report, file: first + ".manifest.json", check: "manifest-name")
        expectError(report, file: first + ".manifest.json", check: "chain-link")
    }

    @Test func aManifestEditedAndReHashedButNotReSignedIsCaught() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let segments = try ArchiveFixture.segments(copy.path)
        let victim = segments[4] + ".manifest.json"
        try rewriteManifest(copy.path + "/" + victim) { $0["records"] = .number("1") }
        // The attacker also repairs the next link, so only the signature can tell.
        let newHash = ArchiveDigest.hex(try Array(Data(contentsOf: URL(fileURLWithPath: copy.path + "/" + victim))))
        try rewriteManifest(copy.path + "/" + segments[5] + ".manifest.json") {
            $0["previous"] = .object(["segment": .string(segments[4]), "manifest_sha256": .string(newHash)])
        }
        let report = try verify(copy.path, archive)
        expectError(report, file: victim, check: "signature")
        #expect(!report.errors.contains { $0.check == "manifest-canonical" })
    }

    @Test func aManifestSignedWithAnotherKeyIsCaught() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let victim = try ArchiveFixture.segments(copy.path)[2] + ".manifest.json"
        let intruder = ArchiveSigningKey.generate()
        try rewriteManifest(copy.path + "/" + victim, signingWith: intruder) { $0["records"] = .number("1") }
        let report = try verify(copy.path, archive)
        expectError(report, file: victim, check: "signing-key")

        // Without --public-key, a change of signer without a key hand-over is still caught.
        let unpinned = try ArchiveVerifier(directory: copy.path).verify()
        expectError(unpinned, file: victim, check: "key-handover")
    }

    @Test func aRecordLineRemovedAndTheSegmentRecompressedIsCaught() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let victim = try ArchiveFixture.segments(copy.path)[6]
        let path = copy.path + "/" + victim
        let text = GzipDecoder.decompress(try Array(Data(contentsOf: URL(fileURLWithPath: path))))
        var lines = text.split(separator: 0x0A)
        lines.remove(at: lines.count / 2)
        let edited = Data(lines.joined(separator: [0x0A]) + [0x0A])
        try FileManager.default.removeItem(atPath: path)
        let plain = String(path.dropLast(3))
        try edited.write(to: URL(fileURLWithPath: plain))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-n", plain]
        try gzip.run()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0)
        let report = try verify(copy.path, archive)
        expectError(report, file: victim, check: "segment-sha256")
        expectError(report, file: victim, check: "record-count")
        expectError(report, file: victim, check: "member-record")
    }

    @Test func exitStatusesAndJSONOutputAreDistinct() async throws {
        let archive = try await pristine()
        let copy = try ArchiveFixture.copy(archive)
        defer { copy.remove() }
        let victim = try ArchiveFixture.segments(copy.path)[1]
        try FileManager.default.removeItem(atPath: copy.path + "/" + victim)
        let tampered = try await ForwarderProcess.run([
            "archive", "verify", copy.path, "--public-key", archive.publicKeyFile, "--json",
        ])
        #expect(tampered.status == 65, "\(tampered.output)")
        let json = try JSONParser.parse(tampered.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(json.objectValue?.string("status") == "tampered_or_incomplete")
        let problems = json.objectValue?["problems"]?.arrayValue ?? []
        #expect(
            problems.contains {
                $0.objectValue?.string("file") == victim && $0.objectValue?.string("check") == "segment-missing"
            }
        )

        let unreadable = try await ForwarderProcess.run(["archive", "verify", copy.path + "/does-not-exist"])
        #expect(unreadable.status == 74, "\(unreadable.output)")
        let badKey = try await ForwarderProcess.run([
            "archive", "verify", copy.path, "--public-key", copy.path + "/nope.pub",
        ])
        #expect(badKey.status == 74, "\(badKey.output)")
    }

    /// Edits a manifest and writes it back in canonical form, re-signed only when a key is given.
    func rewriteManifest(
        _ path: String,
        signingWith key: ArchiveSigningKey? = nil,
        _ edit: (inout JSONObject) -> Void
    ) throws {
        var object = try #require(try JSONParser.parse(Array(Data(contentsOf: URL(fileURLWithPath: path)))).objectValue)
        edit(&object)
        if let key {
            var manifest = try SegmentManifest(json: .object(object))
            manifest.signature = .init(publicKey: key.publicKeyBase64, value: try key.sign(manifest.signedBytes))
            try Data(manifest.fileBytes).write(to: URL(fileURLWithPath: path))
        } else {
            try Data(CanonicalJSON.serialize(.object(object)) + [0x0A]).write(to: URL(fileURLWithPath: path))
        }
    }
}
