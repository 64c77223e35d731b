import ComplianceAPI
import ForwarderCore

/// `<segment>.manifest.json`: what a sealed segment holds, linked to the manifest before it and
/// signed. The exact format (for third-party verifiers) is in docs/archive.md.
///
/// The file is the canonical JSON of ``json`` followed by one LF; the manifest's hash (what the
/// next manifest's `previous` names) is the SHA-256 of the whole file. The signature covers the
/// canonical JSON of the object without its `signature` member.
struct SegmentManifest: Sendable, Hashable {
    static let formatName = "compliance-forwarder/segment-manifest"
    static let formatVersion = 1
    static let fileSuffix = ".manifest.json"

    /// Why a segment was sealed.
    enum SealReason: String, Sendable {
        case rotation, shutdown, repair
    }

    /// The link to the manifest before this one.
    struct Link: Sendable, Hashable {
        var segment: String
        var manifestSHA256: String
    }

    /// An Ed25519 signature and the public key it verifies with (both base64).
    struct Signature: Sendable, Hashable {
        var publicKey: String
        var value: String

        var json: JSONValue {
            .object(["algorithm": .string("ed25519"), "public_key": .string(publicKey), "value": .string(value)])
        }
    }

    var sink: String
    var segment: String
    var segmentBytes: Int
    var segmentSHA256: String
    var records: Int
    var first: ArchiveMemberRecord.RecordMark?
    var last: ArchiveMemberRecord.RecordMark?
    /// SHA-256 over the members' `records_sha256` values (each 32 bytes), in member order.
    var recordsSHA256: String
    var members: [ArchiveMemberRecord]
    var sealedAt: String
    var sealReason: String
    var forwarderVersion: String
    var previous: Link?
    /// Present on the first manifest signed by a new key; the member is omitted otherwise.
    var keyHandover: KeyHandover?
    var signature: Signature?

    /// The manifest as a JSON object; `signed: false` leaves out `signature` (what is signed).
    func json(signed: Bool = true) -> JSONValue {
        var object: JSONObject = [
            "format": .string(Self.formatName),
            "version": .number(String(Self.formatVersion)),
            "sink": .string(sink),
            "segment": .string(segment),
            "segment_bytes": .number(String(segmentBytes)),
            "segment_sha256": .string(segmentSHA256),
            "records": .number(String(records)),
            "first": first.map { .object(["id": .string($0.id), "created_at": .string($0.createdAt)]) } ?? .null,
            "last": last.map { .object(["id": .string($0.id), "created_at": .string($0.createdAt)]) } ?? .null,
            "records_sha256": .string(recordsSHA256),
            "members": .array(members.map(\.json)),
            "sealed_at": .string(sealedAt),
            "seal_reason": .string(sealReason),
            "forwarder_version": .string(forwarderVersion),
            "previous": previous.map {
                .object(["segment": .string($0.segment), "manifest_sha256": .string($0.manifestSHA256)])
            } ?? .null,
        ]
        if let keyHandover { object["key_handover"] = keyHandover.json() }
        if signed { object["signature"] = signature.map(\.json) ?? .null }
        return .object(object)
    }

    /// The `archive_segment_sealed` event for this manifest, whose file hashes to `manifestSHA256`.
    func anchor(manifestSHA256: String) -> ArchiveAnchor {
        ArchiveAnchor(
            sink: sink,
            segment: segment,
            manifestSHA256: manifestSHA256,
            segmentSHA256: segmentSHA256,
            previousManifestSHA256: previous?.manifestSHA256,
            records: records,
            firstID: first?.id,
            lastID: last?.id,
            sealedAt: sealedAt,
            sealReason: sealReason,
            signature: signature?.value,
            keyFingerprint: signature.map { ArchiveSigningKey.fingerprint(publicKeyBase64: $0.publicKey) }
        )
    }

    /// The bytes signed.
    var signedBytes: [UInt8] { CanonicalJSON.serialize(json(signed: false)) }

    /// The file's bytes.
    var fileBytes: [UInt8] { CanonicalJSON.serialize(json()) + [UInt8(ascii: "\n")] }

    /// Reads a manifest; the error says which member is missing or malformed.
    init(json value: JSONValue) throws(ArchiveFormatError) {
        guard let object = value.objectValue else { throw ArchiveFormatError("not a JSON object") }
        func string(_ key: String) throws(ArchiveFormatError) -> String {
            guard let text = object.string(key) else { throw ArchiveFormatError("\"\(key)\" missing or not a string") }
            return text
        }
        func int(_ key: String) throws(ArchiveFormatError) -> Int {
            guard let number = object[key]?.int64Value else {
                throw ArchiveFormatError("\"\(key)\" missing or not an integer")
            }
            return Int(number)
        }
        guard try string("format") == Self.formatName else {
            throw ArchiveFormatError("\"format\" is not \(Self.formatName)")
        }
        guard try int("version") == Self.formatVersion else {
            throw ArchiveFormatError("\"version\" \(object["version"]?.jsonText ?? "?") is not supported")
        }
        sink = try string("sink")
        segment = try string("segment")
        segmentBytes = try int("segment_bytes")
        segmentSHA256 = try string("segment_sha256")
        records = try int("records")
        recordsSHA256 = try string("records_sha256")
        sealedAt = try string("sealed_at")
        sealReason = try string("seal_reason")
        forwarderVersion = try string("forwarder_version")
        let marks = [object["first"], object["last"]].map { value -> ArchiveMemberRecord.RecordMark? in
            guard let mark = value?.objectValue, let id = mark.string("id"), let at = mark.string("created_at")
            else { return nil }
            return .init(id: id, createdAt: at)
        }
        first = marks[0]
        last = marks[1]
        guard let memberValues = object["members"]?.arrayValue else {
            throw ArchiveFormatError("\"members\" missing or not an array")
        }
        members = []
        for (index, memberValue) in memberValues.enumerated() {
            guard let member = ArchiveMemberRecord(json: memberValue) else {
                throw ArchiveFormatError("\"members\"[\(index)] is malformed")
            }
            members.append(member)
        }
        if let link = object["previous"]?.objectValue {
            guard let segment = link.string("segment"), let hash = link.string("manifest_sha256") else {
                throw ArchiveFormatError("\"previous\" is malformed")
            }
            previous = Link(segment: segment, manifestSHA256: hash)
        } else {
            previous = nil
        }
        keyHandover = try object["key_handover"].map { (value) throws(ArchiveFormatError) in
            try KeyHandover(json: value)
        }
        if let signature = object["signature"]?.objectValue {
            guard signature.string("algorithm") == "ed25519", let key = signature.string("public_key"),
                let value = signature.string("value")
            else { throw ArchiveFormatError("\"signature\" is malformed or not ed25519") }
            self.signature = Signature(publicKey: key, value: value)
        } else {
            signature = nil
        }
    }

    init(
        sink: String,
        segment: String,
        segmentBytes: Int,
        segmentSHA256: String,
        members: [ArchiveMemberRecord],
        sealedAt: String,
        sealReason: SealReason,
        previous: Link?
    ) {
        self.sink = sink
        self.segment = segment
        self.segmentBytes = segmentBytes
        self.segmentSHA256 = segmentSHA256
        self.members = members
        self.records = members.reduce(0) { $0 + $1.records }
        self.first = members.first?.first
        self.last = members.last?.last
        self.recordsSHA256 = ArchiveDigest.combine(members.map(\.recordsSHA256))
        self.sealedAt = sealedAt
        self.sealReason = sealReason.rawValue
        self.forwarderVersion = ComplianceClient.version
        self.previous = previous
        self.keyHandover = nil
        self.signature = nil
    }
}

/// A manifest, member record or key file that does not follow its format.
struct ArchiveFormatError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
