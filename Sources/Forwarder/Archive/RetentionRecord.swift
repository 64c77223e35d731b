import ComplianceAPI

/// `<segment>.retention.json`: a signed statement that the retention policy removed a segment,
/// written before the removal. The segment's manifest stays, so the chain still verifies, and
/// `archive verify` reports the segment as removed by policy instead of missing.
struct RetentionRecord: Sendable, Hashable {
    static let formatName = "compliance-forwarder/retention-record"
    static let fileSuffix = ".retention.json"

    var segment: String
    /// SHA-256 of the segment's manifest file (`null` when it had none).
    var manifestSHA256: String?
    /// `max_files 30` or `max_age 90d`.
    var reason: String
    var removedAt: String
    var signature: SegmentManifest.Signature?

    func json(signed: Bool = true) -> JSONValue {
        var object: JSONObject = [
            "format": .string(Self.formatName),
            "version": .number("1"),
            "segment": .string(segment),
            "manifest_sha256": manifestSHA256.map(JSONValue.string) ?? .null,
            "reason": .string(reason),
            "removed_at": .string(removedAt),
        ]
        if signed { object["signature"] = signature.map(\.json) ?? .null }
        return .object(object)
    }

    var signedBytes: [UInt8] { CanonicalJSON.serialize(json(signed: false)) }
    var fileBytes: [UInt8] { CanonicalJSON.serialize(json()) + [UInt8(ascii: "\n")] }
}

extension RetentionRecord {
    init(json value: JSONValue) throws(ArchiveFormatError) {
        guard let object = value.objectValue, object.string("format") == Self.formatName,
            let segment = object.string("segment"), let reason = object.string("reason"),
            let removedAt = object.string("removed_at")
        else { throw ArchiveFormatError("not a retention record") }
        self.segment = segment
        self.manifestSHA256 = object.string("manifest_sha256")
        self.reason = reason
        self.removedAt = removedAt
        if let signature = object["signature"]?.objectValue, let key = signature.string("public_key"),
            let value = signature.string("value")
        {
            self.signature = .init(publicKey: key, value: value)
        }
    }
}

extension ManifestChain {
    /// Writes the retention record of `segment` (signed when the chain is).
    func recordRemoval(of segment: String, reason: String, at time: RFC3339Timestamp) throws(FileError) {
        let manifest = try PosixFile.read(manifestPath(for: segment))
        var record = RetentionRecord(
            segment: segment,
            manifestSHA256: manifest.map(ArchiveDigest.hex),
            reason: reason,
            removedAt: time.description
        )
        if let signingKey { record.signature = try signingKey.signature(for: record.signedBytes, of: segment) }
        try PosixFile.writeAtomically(
            record.fileBytes,
            to: directory + "/" + segment + RetentionRecord.fileSuffix,
            mode: fileMode,
            directory: directory
        )
    }
}
