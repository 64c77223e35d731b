import ComplianceAPI
import ForwarderCore

/// The object key of a spooled segment: deterministic, so uploading the same segment again
/// (after a crash, a timeout whose PUT may have landed, a restart) replaces the same key instead
/// of adding a differently named copy.
///
/// `<prefix rendered at the segment's opening time><sink>_<first activity id>_<last activity id>_<digest>.<ext>.gz`:
/// the opening time is in the spool file's name, the ids and the digest (the first 16 hex digits
/// of the segment's SHA-256) in its manifest; none of them depends on when the upload happens.
/// The digest keeps two *different* segments with the same first and last ids apart: after a
/// crash the source re-delivers what was acknowledged but not yet checkpointed, and the new
/// segment can start and end on the same activities with other bytes (other provenance, another
/// place in the chain). Under one key it would become the object's current version and hide the
/// first, breaking the manifest chain in the bucket; under its own key it is a plain duplicate.
enum S3ObjectKey {
    /// The suffix of a manifest's key: the object's key plus this.
    static let manifestSuffix = SegmentManifest.fileSuffix

    /// The key of `segment` (a spool file name such as `segment-20261207T101500Z-000042.ndjson.gz`)
    /// whose manifest names `first`, `last` and its SHA-256 (hex); `nil` when the name is not a
    /// spool name.
    static func make(
        prefix: ForwarderConfiguration.S3Sink.KeyPrefix,
        sink: String,
        segment: String,
        first: String?,
        last: String?,
        sha256: String
    ) -> String? {
        guard let opened = openingTime(of: segment) else { return nil }
        let parts = segment.split(separator: ".")
        guard parts.count >= 3 else { return nil }
        let fileExtension = parts[parts.count - 2]
        let digest = safe(String(sha256.prefix(16)))
        let ids = first.flatMap { first in last.map { "\(safe(first))_\(safe($0))_" } } ?? ""
        return prefix.render(sink: sink, at: opened) + "\(sink)_\(ids)\(digest).\(fileExtension).gz"
    }

    /// Activity ids are letters, digits and `_`; anything else is replaced so a key never needs
    /// escaping in a shell or a console.
    static func safe(_ id: String) -> String {
        String(
            id.unicodeScalars.map { scalar -> Character in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
                        || scalar == "-")
                    ? Character(scalar) : "-"
            }
        )
    }

    /// The `yyyyMMdd'T'HHmmss'Z'` part of a spool segment's name, as a time.
    static func openingTime(of segment: String) -> RFC3339Timestamp? {
        let stem = segment.split(separator: ".")[0].split(separator: "-")
        guard stem.count >= 3 else { return nil }
        let stamp = Array(stem[stem.count - 2].utf8)
        guard stamp.count == 16, stamp[8] == UInt8(ascii: "T"), stamp[15] == UInt8(ascii: "Z") else { return nil }
        let text = String(decoding: stamp, as: UTF8.self)
        func field(_ start: Int, _ length: Int) -> String {
            let from = text.index(text.startIndex, offsetBy: start)
            return String(text[from..<text.index(from, offsetBy: length)])
        }
        let rfc3339 =
            "\(field(0, 4))-\(field(4, 2))-\(field(6, 2))T\(field(9, 2)):\(field(11, 2)):\(field(13, 2))Z"
        return RFC3339Timestamp(rfc3339)
    }
}
