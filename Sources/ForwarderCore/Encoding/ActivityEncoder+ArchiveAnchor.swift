import ComplianceAPI

/// `archive_segment_sealed` in each line format: an event of its own kind, never shaped like an
/// activity (no activity id, no organization, no actor), so SIEM rules on activities do not match
/// it. The fields are listed in docs/archive.md ("Anchoring").
extension ActivityEncoder {
    /// The ECS namespace of the forwarder's own events (`compliance_forwarder.archive.*`).
    public static let forwarderNamespace = "compliance_forwarder"

    /// Appends `anchor` as one line of this format, without a terminator.
    public func appendAnchor(_ anchor: ArchiveAnchor, into buffer: inout [UInt8]) {
        switch format {
        case .cef: cef.encodeAnchor(anchor, into: &buffer)
        case .raw: Self.appendRawAnchor(anchor, into: &buffer)
        default: ecs.encodeAnchor(anchor, into: &buffer)
        }
    }

    /// `raw`: the anchor's fields with `"type": "archive_segment_sealed"` first.
    public static func appendRawAnchor(_ anchor: ArchiveAnchor, into buffer: inout [UInt8]) {
        var object: JSONObject = ["type": .string(ArchiveAnchor.action)]
        for member in anchor.fields { object.members.append(member) }
        var json = JSONWriter(capacity: 0)
        swap(&json.bytes, &buffer)
        json.write(object)
        swap(&json.bytes, &buffer)
    }
}

extension ECSEncoder {
    /// `event.kind: event`, `event.action: archive_segment_sealed`, the configured module and
    /// dataset, `event.hash` = the manifest's SHA-256, `file.*` = the segment, and every field under
    /// `compliance_forwarder.archive`.
    func encodeAnchor(_ anchor: ArchiveAnchor, into buffer: inout [UInt8]) {
        var json = JSONWriter(capacity: 0)
        swap(&json.bytes, &buffer)
        defer { swap(&json.bytes, &buffer) }
        json.bytes.appendStatic("{\"@timestamp\":\"")
        // `sealed_at` is RFC 3339 as this forwarder wrote it: nothing in it needs escaping.
        json.writeStringContents(anchor.sealedAt)
        json.bytes.append(contentsOf: fragments.afterTimestamp)
        json.writeString(anchor.summary)
        let event: JSONObject = [
            "kind": .string("event"),
            "category": .array([.string("file")]),
            "type": .array([.string("creation")]),
            "action": .string(ArchiveAnchor.action),
            "outcome": .string("success"),
            "id": .string(anchor.eventID),
            "hash": .string(anchor.manifestSHA256),
            "created": .string(anchor.sealedAt),
            "provider": .string("compliance-forwarder"),
            "module": .string(configuration.module),
            "dataset": .string(configuration.dataset),
        ]
        json.bytes.appendStatic(",\"event\":")
        json.write(event)
        json.bytes.appendStatic(",\"file\":")
        json.write(
            .object(["name": .string(anchor.segment), "hash": .object(["sha256": .string(anchor.segmentSHA256)])])
        )
        json.bytes.append(contentsOf: fragments.identification)
        json.bytes.appendStatic(",")
        json.writeKey(ActivityEncoder.forwarderNamespace)
        json.bytes.appendStatic("{\"archive\":")
        json.write(anchor.fields)
        json.bytes.appendStatic("}}")
    }
}

extension CEFEncoder {
    /// Signature id `archive_segment_sealed`, severity 3, `rt` = the seal time, `fname`/`fileHash`
    /// = the segment, `cnt` = records, and custom strings for the manifest hash, the link, the
    /// first and last ids, the key fingerprint and the signature (CEF limits do not apply to them:
    /// a cut hash or signature is useless).
    func encodeAnchor(_ anchor: ArchiveAnchor, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: headerPrefix)
        buffer.append(contentsOf: "\(ArchiveAnchor.action)|Archive segment sealed|3|".utf8)
        var first = true
        func add(_ key: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            if !first { buffer.append(UInt8(ascii: " ")) }
            first = false
            buffer.append(contentsOf: key.utf8)
            buffer.append(UInt8(ascii: "="))
            CEFEscaping.appendExtensionValue(value[...], into: &buffer)
        }
        add("rt", RFC3339Timestamp(anchor.sealedAt).map { String($0.millisecondsSinceEpoch) })
        add("act", ArchiveAnchor.action)
        add("outcome", "success")
        add("fname", anchor.segment)
        add("fileHash", anchor.segmentSHA256)
        add("cnt", String(anchor.records))
        add("reason", anchor.sealReason)
        add("flexString1Label", "sink")
        add("flexString1", anchor.sink)
        let custom: [(String, String?)] = [
            ("manifestSha256", anchor.manifestSHA256), ("previousManifestSha256", anchor.previousManifestSHA256),
            ("firstId", anchor.firstID), ("lastId", anchor.lastID), ("keyFingerprint", anchor.keyFingerprint),
            ("signature", anchor.signature),
        ]
        for (number, (label, value)) in zip(1..., custom) where value != nil {
            add("cs\(number)Label", label)
            add("cs\(number)", value)
        }
    }
}
