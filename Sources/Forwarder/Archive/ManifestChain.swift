import ComplianceAPI
import ForwarderCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hash chain of a file sink's segment manifests: seals segments (writes their signed
/// manifests atomically) and remembers the chain head, recovered from disk on start so that a
/// restart continues the chain instead of starting a new one.
///
/// Not thread-safe: owned by the sink's ``GzipSegmentWriter``.
final class ManifestChain {
    let directory: String
    let sinkName: String
    let signingKey: ArchiveSigningKey?
    /// The key that signed the chain before `signingKey` (`previous_signing_key_file`): co-signs
    /// the hand-over when it is the head's key.
    let previousSigningKey: ArchiveSigningKey?
    let fileMode: mode_t
    /// The newest manifest: what the next one links to.
    private(set) var head: SegmentManifest.Link?
    /// The key that signed the head (base64); `nil` when unsigned or there is no head.
    private(set) var headPublicKey: String?
    /// Told of every manifest written (the file sink publishes it as an `archive_segment_sealed`
    /// event); must not block.
    var onSeal: (ArchiveAnchor) -> Void = { _ in }

    /// - Parameter isSegment: whether a file name is one of this sink's final segment names.
    init(
        directory: String,
        sinkName: String,
        signingKey: ArchiveSigningKey?,
        previousSigningKey: ArchiveSigningKey? = nil,
        fileMode: mode_t,
        isSegment: (String) -> Bool
    ) throws(FileError) {
        self.directory = directory
        self.sinkName = sinkName
        self.signingKey = signingKey
        self.previousSigningKey = previousSigningKey
        self.fileMode = fileMode
        let newest = try PosixFile.list(directory)
            .filter { $0.hasSuffix(SegmentManifest.fileSuffix) }
            .map { String($0.dropLast(SegmentManifest.fileSuffix.count)) }
            .filter(isSegment)
            .max { (Self.sequence($0) ?? -1, $0) < (Self.sequence($1) ?? -1, $1) }
        if let newest, let bytes = try PosixFile.read(manifestPath(for: newest)) {
            head = SegmentManifest.Link(segment: newest, manifestSHA256: ArchiveDigest.hex(bytes))
            let manifest = (try? JSONParser.parse(bytes)).flatMap { try? SegmentManifest(json: $0) }
            headPublicKey = manifest?.signature?.publicKey
        }
    }

    /// The hand-over the next seal writes: when the head was signed by another key than
    /// `signingKey`. `nil` when the key is unchanged, or the chain is new or unsigned.
    var pendingHandover: KeyHandover? {
        guard let signingKey, let head, let headPublicKey, headPublicKey != signingKey.publicKeyBase64 else {
            return nil
        }
        return KeyHandover(
            previousPublicKey: headPublicKey,
            newPublicKey: signingKey.publicKeyBase64,
            previousManifestSHA256: head.manifestSHA256
        )
    }

    func manifestPath(for segment: String) -> String {
        directory + "/" + segment + SegmentManifest.fileSuffix
    }

    func hasManifest(for segment: String) -> Bool {
        PosixFile.status(manifestPath(for: segment)) != nil
    }

    /// Writes the manifest of the segment named `segment` (a final name) and makes it the head.
    func seal(
        segment: String,
        bytes: Int,
        sha256: String,
        members: [ArchiveMemberRecord],
        reason: SegmentManifest.SealReason,
        sealedAt: RFC3339Timestamp
    ) throws(FileError) {
        var manifest = SegmentManifest(
            sink: sinkName,
            segment: segment,
            segmentBytes: bytes,
            segmentSHA256: sha256,
            members: members,
            sealedAt: sealedAt.description,
            sealReason: reason,
            previous: head
        )
        if var handover = pendingHandover {
            if let previousSigningKey, previousSigningKey.publicKeyBase64 == handover.previousPublicKey {
                handover.previousKeySignature = try previousSigningKey.signature(
                    for: handover.statementBytes,
                    of: segment
                ).value
            }
            manifest.keyHandover = handover
        }
        if let signingKey { manifest.signature = try signingKey.signature(for: manifest.signedBytes, of: segment) }
        let data = manifest.fileBytes
        try PosixFile.writeAtomically(data, to: manifestPath(for: segment), mode: fileMode, directory: directory)
        let manifestSHA256 = ArchiveDigest.hex(data)
        head = SegmentManifest.Link(segment: segment, manifestSHA256: manifestSHA256)
        headPublicKey = manifest.signature?.publicKey
        onSeal(manifest.anchor(manifestSHA256: manifestSHA256))
    }

    /// The `<seq>` of a segment name (`…-000042.ndjson.gz`).
    static func sequence(_ name: String) -> Int? {
        guard let stem = name.split(separator: ".").first else { return nil }
        let parts = stem.split(separator: "-")
        guard parts.count >= 3, let last = parts.last, last.count == 6 else { return nil }
        return Int(last)
    }
}
