import ComplianceAPI
import Crypto
import ForwarderCore

/// Reads the activity id and the record hash a line of a segment carries, per line format.
enum ArchiveLineReader {
    struct Facts {
        var id: String?
        /// `nil` when the line carries no hash (a CEF line whose `cs6` holds a long id).
        var hash: RecordHash?
    }

    static func read(_ line: ArraySlice<UInt8>, format: String) -> Facts {
        switch format {
        case "raw":
            let hash = line.withUnsafeBytes { RecordHash(digest: Crypto.SHA256.hash(data: $0)) }
            let id = (try? JSONParser.parse(Array(line)))?.objectValue?.string("id")
            return Facts(id: id, hash: hash)
        case "ecs":
            let event = (try? JSONParser.parse(Array(line)))?.objectValue?["event"]?.objectValue
            return Facts(
                id: event?.string("id"),
                hash: event?.string("hash").flatMap { RecordHash(hex: Array($0.utf8)) }
            )
        case "cef":
            let text = Array(line)
            let hash = value(after: " cs6Label=recordSha256 cs6=", in: text).flatMap { RecordHash(hex: $0) }
            let id =
                value(after: " externalId=", in: text)
                ?? value(after: " cs6Label=activityId cs6=", in: text)
            return Facts(id: id.map { String(decoding: $0, as: UTF8.self) }, hash: hash)
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
