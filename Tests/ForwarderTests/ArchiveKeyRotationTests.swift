import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// Key rotation on real files and signatures: a new signing key starts with a `key_handover` in
/// its first manifest, `archive verify` accepts the change there and nowhere else, and says what
/// it cannot check when it is given only some of the keys.
@Suite struct ArchiveKeyRotationTests {
    let old = ArchiveSigningKey.generate()
    let new = ArchiveSigningKey.generate()

    /// Two segments signed by `old`, then two by `new` (the hand-over co-signed by `old` when
    /// `cosign`), as two runs of the sink would write them.
    func rotatedArchive(_ directory: String, cosign: Bool, newSegments: Int = 2) throws {
        let configuration = ForwarderConfiguration.FileSink(directory: directory)
        var first = 0
        let runs: [(ArchiveSigningKey, ArchiveSigningKey?, Int)] = [
            (old, nil, 2), (new, cosign ? old : nil, newSegments),
        ]
        for (key, previous, segments) in runs {
            let writer = try GzipSegmentWriter(
                configuration: configuration,
                fileExtension: "ndjson",
                now: { .now },
                archive: ("archive", key),
                previousSigningKey: previous
            )
            for _ in 0..<segments {
                let (payload, member) = ArchiveChainTests().batch(first, 5)
                try writer.append(payload, member: member)
                try writer.close(reason: .rotation)
                first += 5
            }
        }
    }

    func verify(_ directory: String, keys: [ArchiveSigningKey]) throws -> ArchiveVerificationReport {
        try ArchiveVerifier(directory: directory, options: .init(publicKeys: keys.map(\.publicKeyBase64))).verify()
    }

    func manifests(_ directory: TemporaryDirectory) throws -> [String] {
        try directory.files().filter { $0.hasSuffix(".manifest.json") }
    }

    func read(_ directory: TemporaryDirectory, _ name: String) throws -> SegmentManifest {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + name)))
        return try SegmentManifest(json: try JSONParser.parse(bytes))
    }

    @Test func aRotationWithAHandOverVerifies() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try rotatedArchive(directory.path, cosign: true)
        let names = try manifests(directory)
        #expect(names.count == 4)
        let handover = try #require(try read(directory, names[2]).keyHandover, "the new key's first manifest")
        #expect(handover.previousPublicKey == old.publicKeyBase64)
        #expect(handover.newPublicKey == new.publicKeyBase64)
        #expect(handover.isCosignedByPreviousKey)
        #expect(try read(directory, names[1]).keyHandover == nil)
        #expect(try read(directory, names[3]).keyHandover == nil, "only at the change")

        let report = try verify(directory.path, keys: [old, new])
        #expect(report.isIntact, "\(report.text)")
        #expect(report.problems.filter { $0.severity != .note }.isEmpty, "\(report.text)")
        #expect(report.signingKeys.count == 2)
        let byOldKeyOnly = try verify(directory.path, keys: [old])
        #expect(byOldKeyOnly.isIntact, "the old key vouches for the new one: \(byOldKeyOnly.text)")
    }

    @Test func aHandOverWithoutThePreviousKeyIsNotedAndNeedsTheNewKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try rotatedArchive(directory.path, cosign: false)
        let names = try manifests(directory)
        let both = try verify(directory.path, keys: [old, new])
        #expect(both.isIntact, "\(both.text)")
        #expect(both.problems.contains { $0.check == "key-handover" && $0.severity == .note && $0.file == names[2] })
        let byOldKeyOnly = try verify(directory.path, keys: [old])
        #expect(!byOldKeyOnly.isIntact, "nothing the old key signed vouches for the new key")
        #expect(byOldKeyOnly.errors.map(\.file).sorted() == [names[2], names[3]])
        #expect(byOldKeyOnly.errors.allSatisfy { $0.check == "signing-key" })
    }

    @Test func aKeyChangeWithoutAHandOverFailsNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try rotatedArchive(directory.path, cosign: true, newSegments: 1)
        // The new key's manifest without its hand-over, re-signed: a signer swapped silently.
        let name = try #require(try manifests(directory).last)
        var manifest = try read(directory, name)
        manifest.keyHandover = nil
        manifest.signature = try new.signature(for: manifest.signedBytes, of: manifest.segment)
        try Data(manifest.fileBytes).write(to: URL(fileURLWithPath: directory.path + "/" + name))

        for keys in [[old, new], []] {
            let report = try verify(directory.path, keys: keys)
            #expect(!report.isIntact)
            let problem = try #require(report.errors.first { $0.check == "key-handover" }, "\(report.text)")
            #expect(problem.file == name)
            #expect(problem.message.contains("without a hand-over"))
        }
    }

    @Test func verifyWithOnlyTheNewKeySaysWhatItCannotCheck() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try rotatedArchive(directory.path, cosign: false)
        let names = try manifests(directory)
        let report = try verify(directory.path, keys: [new])
        #expect(report.isIntact, "the new key vouches for the chain before it: \(report.text)")
        let warning = try #require(report.problems.first { $0.check == "signing-key" && $0.severity == .warning })
        #expect(warning.file == names[0])
        #expect(warning.message.contains("2 manifest(s)"))
        #expect(warning.message.contains(ArchiveSigningKey.fingerprint(publicKeyBase64: old.publicKeyBase64)))
        #expect(warning.message.contains(names[2]))
    }

    @Test func publicKeysAreReadFromADirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keys = directory.path + "/keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        for (name, key) in [("old.pub", old), ("new.pub", new)] {
            try Data((key.publicKeyBase64 + "\n").utf8).write(to: URL(fileURLWithPath: keys + "/" + name))
        }
        let loaded = try ArchiveKeyFiles.loadPublicKeys(paths: [keys])
        #expect(Set(loaded) == [old.publicKeyBase64, new.publicKeyBase64])
        #expect(throws: FileError.self) { try ArchiveKeyFiles.loadPublicKeys(paths: [directory.path]) }
    }
}
