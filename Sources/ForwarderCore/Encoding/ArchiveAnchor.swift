import ComplianceAPI

/// An `archive_segment_sealed` event: what a file sink sends to the other sinks each time it
/// seals a segment, so the SIEM holds the chain heads of an archive that otherwise lives on one
/// host (docs/archive.md, "Anchoring").
///
/// It is not an activity: it never enters a batch, is never acknowledged and never counts toward
/// the checkpoint. The manifest's SHA-256 is the value to compare: it is what the next manifest's
/// `previous.manifest_sha256` holds, and the SHA-256 of the `.manifest.json` file on disk.
public struct ArchiveAnchor: Sendable, Hashable {
    /// The event's name: CEF signature id, ECS `event.action`, syslog MSGID.
    public static let action = "archive_segment_sealed"

    /// The file sink that sealed the segment.
    public var sink: String
    /// The segment's file name.
    public var segment: String
    /// SHA-256 (hex) of the segment's manifest file.
    public var manifestSHA256: String
    /// SHA-256 (hex) of the segment file.
    public var segmentSHA256: String
    /// The previous manifest's SHA-256 (the chain link), `nil` at the start of a chain.
    public var previousManifestSHA256: String?
    /// Records in the segment.
    public var records: Int
    /// Ids of the first and last record.
    public var firstID: String?
    public var lastID: String?
    /// When the segment was sealed (RFC 3339).
    public var sealedAt: String
    /// `rotation`, `shutdown` or `repair`.
    public var sealReason: String
    /// The manifest's Ed25519 signature (base64), `nil` when unsigned.
    public var signature: String?
    /// `SHA256:<hex>` of the signing public key, `nil` when unsigned.
    public var keyFingerprint: String?

    public init(
        sink: String,
        segment: String,
        manifestSHA256: String,
        segmentSHA256: String,
        previousManifestSHA256: String?,
        records: Int,
        firstID: String?,
        lastID: String?,
        sealedAt: String,
        sealReason: String,
        signature: String?,
        keyFingerprint: String?
    ) {
        self.sink = sink
        self.segment = segment
        self.manifestSHA256 = manifestSHA256
        self.segmentSHA256 = segmentSHA256
        self.previousManifestSHA256 = previousManifestSHA256
        self.records = records
        self.firstID = firstID
        self.lastID = lastID
        self.sealedAt = sealedAt
        self.sealReason = sealReason
        self.signature = signature
        self.keyFingerprint = keyFingerprint
    }

    /// A stable id for receivers that de-duplicate (Elasticsearch `_id`, CEF `externalId` is too
    /// short for it): the action and the manifest hash.
    public var eventID: String { Self.action + "-" + manifestSHA256 }

    /// The fields as one JSON object, in this order; absent values are `null`. This is the raw
    /// format's document and the ECS namespace's content.
    public var fields: JSONObject {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return [
            "sink": .string(sink),
            "segment": .string(segment),
            "manifest_sha256": .string(manifestSHA256),
            "segment_sha256": .string(segmentSHA256),
            "previous_manifest_sha256": text(previousManifestSHA256),
            "records": .number(String(records)),
            "first_id": text(firstID),
            "last_id": text(lastID),
            "sealed_at": .string(sealedAt),
            "seal_reason": .string(sealReason),
            "signature": text(signature),
            "key_fingerprint": text(keyFingerprint),
        ]
    }

    /// A one-line summary (ECS `message`, CEF name context).
    public var summary: String {
        "archive segment sealed: \(segment) (\(records) records, manifest SHA-256 \(manifestSHA256))"
    }
}
