import ComplianceAPI
import ForwarderCore

/// What one gzip member (one batch) of a segment holds: its completeness record.
///
/// Written twice: into the member's own gzip header (FCOMMENT, so a segment repaired after a crash
/// still carries its provenance) and into the segment's manifest `members` list.
struct ArchiveMemberRecord: Sendable, Hashable {
    /// How lines carry their record hash: `raw` (the line is the record), `ecs`, `cef`.
    var lineFormat: String
    var records: Int
    var first: RecordMark?
    var last: RecordMark?
    /// SHA-256 over the member's 32-byte record hashes, in line order.
    var recordsSHA256: String
    /// The API request behind the batch (absent for batches not from the poller).
    var page: BatchProvenance?

    /// An activity's position in the feed.
    struct RecordMark: Sendable, Hashable {
        var id: String
        var createdAt: String
    }

    var json: JSONValue {
        var object: JSONObject = [
            "line_format": .string(lineFormat),
            "records": .number(String(records)),
            "records_sha256": .string(recordsSHA256),
            "first": first.map(Self.json) ?? .null,
            "last": last.map(Self.json) ?? .null,
        ]
        if let page {
            object["page"] = .object([
                "start_cursor": page.startCursor.map(JSONValue.string) ?? .null,
                "last_id": page.lastID.map(JSONValue.string) ?? .null,
                "count": .number(String(page.count)),
                "request_id": page.requestID.map(JSONValue.string) ?? .null,
                "late": .bool(page.late),
            ])
        } else {
            object["page"] = .null
        }
        return .object(object)
    }

    /// The canonical bytes (what the gzip header comment holds).
    var canonicalBytes: [UInt8] { CanonicalJSON.serialize(json) }

    /// A member written without a record (by a caller that passed none): the manifest says so
    /// and verify reports it, rather than the archive pretending to know.
    static let unrecorded = ArchiveMemberRecord(
        lineFormat: "unrecorded",
        records: 0,
        first: nil,
        last: nil,
        recordsSHA256: "",
        page: nil
    )

    private static func json(_ mark: RecordMark) -> JSONValue {
        .object(["id": .string(mark.id), "created_at": .string(mark.createdAt)])
    }

    private static func mark(_ value: JSONValue) -> RecordMark? {
        guard let object = value.objectValue, let id = object.string("id"), let createdAt = object.string("created_at")
        else { return nil }
        return RecordMark(id: id, createdAt: createdAt)
    }
}

extension ArchiveMemberRecord {
    /// The record of a batch about to be written as one member.
    init(batch: Batch, lineFormat: OutputFormat, recordsSHA256: String) {
        func mark(_ event: Event?) -> RecordMark? {
            event.map { RecordMark(id: $0.activity.id, createdAt: $0.activity.createdAt.description) }
        }
        self.init(
            lineFormat: lineFormat.description,
            records: batch.events.count,
            first: mark(batch.events.first),
            last: mark(batch.events.last),
            recordsSHA256: recordsSHA256,
            page: batch.provenance
        )
    }

    /// The record a member's gzip header carries, or ``unrecorded`` when it has none.
    init(headerComment: [UInt8]?) {
        guard let headerComment, let value = try? JSONParser.parse(headerComment), let record = Self(json: value)
        else {
            self = .unrecorded
            return
        }
        self = record
    }

    /// Reads a record back; `nil` when a required member is missing or of the wrong type.
    init?(json: JSONValue) {
        guard let object = json.objectValue, let lineFormat = object.string("line_format"),
            let records = object["records"]?.int64Value, let digest = object.string("records_sha256")
        else { return nil }
        self.lineFormat = lineFormat
        self.records = Int(records)
        self.recordsSHA256 = digest
        self.first = object["first"].flatMap(Self.mark)
        self.last = object["last"].flatMap(Self.mark)
        if let page = object["page"]?.objectValue, let count = page["count"]?.int64Value,
            let late = page["late"]?.boolValue
        {
            self.page = BatchProvenance(
                startCursor: page.string("start_cursor"),
                lastID: page.string("last_id"),
                count: Int(count),
                requestID: page.string("request_id"),
                late: late
            )
        } else {
            self.page = nil
        }
    }
}

extension EventEncoder {
    /// Appends `batch`'s lines to `buffer` (one archive member's worth) and returns the member's
    /// completeness record with the hash over its lines' record hashes: what the file sink and the
    /// S3 spool write for every batch.
    func appendMember(of batch: Batch, readAt: RFC3339Timestamp, to buffer: inout [UInt8]) -> ArchiveMemberRecord {
        let lineFormat = formatter.format
        var records = ArchiveDigest.RecordsHasher()
        for event in batch.events {
            let start = buffer.count
            appendLine(event, readAt: readAt, to: &buffer)
            records.add(ArchiveDigest.lineHash(event, line: buffer[start..<(buffer.count - 1)], format: lineFormat))
        }
        return ArchiveMemberRecord(batch: batch, lineFormat: lineFormat, recordsSHA256: records.finalize())
    }
}
