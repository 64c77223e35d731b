import ComplianceAPI
import Crypto
import ForwarderCore

/// Reads the activity id and the record hash a line of a segment carries, per line format.
enum ArchiveLineReader {
    struct Facts {
        var id: String?
        /// `nil` when the line carries no hash (a CEF line whose `cs6` holds a long id).
        var hash: RecordHash?
        /// The record's `created_at` as the line carries it (milliseconds in `ecs` and `cef`).
        var createdAt: RFC3339Timestamp?
    }

    static func read(_ line: ArraySlice<UInt8>, format: String) -> Facts {
        switch format {
        case "raw":
            let hash = line.withUnsafeBytes { RecordHash(Crypto.SHA256.hash(data: $0)) }
            let record = (try? JSONParser.parse(Array(line)))?.objectValue
            return Facts(
                id: record?.string("id"),
                hash: hash,
                createdAt: record?.string("created_at").flatMap { RFC3339Timestamp($0) }
            )
        case "ecs":
            let document = (try? JSONParser.parse(Array(line)))?.objectValue
            let event = document?["event"]?.objectValue
            return Facts(
                id: event?.string("id"),
                hash: event?.string("hash").flatMap { RecordHash(hex: Array($0.utf8)) },
                createdAt: document?.string("@timestamp").flatMap { RFC3339Timestamp($0) }
            )
        case "cef":
            let text = Array(line)
            let hash = value(after: " cs6Label=recordSha256 cs6=", in: text).flatMap { RecordHash(hex: $0) }
            let id =
                value(after: " externalId=", in: text)
                ?? value(after: " cs6Label=activityId cs6=", in: text)
            let milliseconds = value(after: "|rt=", in: text) ?? value(after: " rt=", in: text)
            return Facts(
                id: id.map { String(decoding: $0, as: UTF8.self) },
                hash: hash,
                createdAt: milliseconds.flatMap { Int64(String(decoding: $0, as: UTF8.self)) }.map {
                    RFC3339Timestamp(nanosecondsSinceEpoch: $0 * 1_000_000)
                }
            )
        default:
            return Facts(id: nil, hash: nil)
        }
    }

    /// The bytes after `marker` up to the next space (or the end).
    private static func value(after marker: String, in text: [UInt8]) -> [UInt8]? {
        let needle = Array(marker.utf8)
        guard text.count >= needle.count else { return nil }
        for start in 0...(text.count - needle.count) where text[start] == needle[0] {
            if text[start..<(start + needle.count)].elementsEqual(needle) {
                let valueStart = start + needle.count
                let end = text[valueStart...].firstIndex(of: UInt8(ascii: " ")) ?? text.count
                return Array(text[valueStart..<end])
            }
        }
        return nil
    }
}
