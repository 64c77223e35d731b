import ComplianceAPI

/// The records an archive directory holds, by activity id: what `archive verify --against-api`
/// compares with the ids the API lists.
///
/// Read from every sealed segment and from the complete members of an active `….gz.tmp` segment
/// (a running forwarder's newest records are there). Segments whose manifest stays but whose
/// file is gone (removed by retention, or missing) are kept as time ranges, so an id the API
/// lists inside such a range is reported as unverifiable rather than silently missing.
public struct ArchivedRecords: Sendable {
    /// Where an archived record is.
    public struct Location: Sendable, Hashable {
        /// The segment file holding the line.
        public var segment: String
        /// The record's `created_at` as the line carries it (milliseconds in `ecs` and `cef`).
        public var createdAt: RFC3339Timestamp?
    }

    /// A segment a manifest describes but whose file is gone: its records cannot be listed.
    public struct AbsentSegment: Sendable, Hashable {
        public var segment: String
        /// Why: `removed by retention policy (max_age 90d)` or `missing`.
        public var reason: String
        /// The earliest and latest `created_at` its members' records carry.
        public var from: RFC3339Timestamp
        public var through: RFC3339Timestamp
    }

    public var byID: [String: Location] = [:]
    public var absentSegments: [AbsentSegment] = []
    /// Records found only in the active (not yet sealed) segment.
    public var activeRecords = 0
    /// Lines from which no id could be read.
    public var linesWithoutID = 0

    public init() {}

    /// Reads every segment of `directory`.
    ///
    /// - Throws: ``ArchiveReadError`` when the directory cannot be listed.
    public static func read(directory: String) throws(ArchiveReadError) -> ArchivedRecords {
        let names: [String]
        do {
            names = try PosixFile.list(directory)
        } catch {
            throw ArchiveReadError(path: directory, reason: error.message)
        }
        var records = ArchivedRecords()
        let present = Set(names)
        for name in names.sorted() {
            let isSealed = name.hasSuffix(".gz") && ManifestChain.sequence(name) != nil
            let isActive = name.hasSuffix(".gz.tmp")
            if isSealed || isActive {
                guard let data = try? PosixFile.read(directory + "/" + name) else { continue }
                records.add(segment: name, data: data, active: isActive)
            } else if name.hasSuffix(SegmentManifest.fileSuffix) {
                let segment = String(name.dropLast(SegmentManifest.fileSuffix.count))
                if !present.contains(segment) {
                    records.addAbsent(segment, directory: directory, present: present)
                }
            }
        }
        return records
    }

    /// The absent segment whose time range covers `time`, if any.
    public func absentSegment(covering time: RFC3339Timestamp) -> AbsentSegment? {
        absentSegments.first { !(time < $0.from) && !($0.through < time) }
    }

    private mutating func add(segment: String, data: [UInt8], active: Bool) {
        for member in GzipMemberScanner.memberComments(data, keepOutput: true).members {
            let format = ArchiveMemberRecord(headerComment: member.comment).lineFormat
            for line in member.output.split(separator: 0x0A) {
                let facts = ArchiveLineReader.read(line, format: format)
                guard let id = facts.id else {
                    linesWithoutID += 1
                    continue
                }
                if active, byID[id] == nil { activeRecords += 1 }
                byID[id] = byID[id] ?? Location(segment: segment, createdAt: facts.createdAt)
            }
        }
    }

    private mutating func addAbsent(_ segment: String, directory: String, present: Set<String>) {
        let path = directory + "/" + segment
        guard let bytes = try? PosixFile.read(path + SegmentManifest.fileSuffix),
            let value = try? JSONParser.parse(bytes),
            let manifest = try? SegmentManifest(json: value)
        else { return }
        let times = manifest.members.flatMap { [$0.first, $0.last] }.compactMap {
            $0.flatMap { RFC3339Timestamp($0.createdAt) }
        }
        guard let from = times.min(), let through = times.max() else { return }
        var reason = "missing"
        if present.contains(segment + RetentionRecord.fileSuffix),
            let bytes = try? PosixFile.read(path + RetentionRecord.fileSuffix),
            let value = try? JSONParser.parse(bytes), let record = try? RetentionRecord(json: value)
        {
            reason = "removed by retention policy (\(record.reason))"
        }
        absentSegments.append(AbsentSegment(segment: segment, reason: reason, from: from, through: through))
    }
}
