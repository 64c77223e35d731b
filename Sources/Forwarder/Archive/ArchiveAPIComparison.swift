import ComplianceAPI

/// `archive verify --against-api`: the ids the API lists in a window compared with the ids the
/// archive holds. Pure: the listing and the archive are read elsewhere.
///
/// The API is listed over the window widened by one millisecond on each side, because `ecs` and
/// `cef` lines carry `created_at` truncated to milliseconds: a line inside `[since, until)` by
/// its millisecond time is then always inside the listing, and "unknown to the API" is exact.
public struct ArchiveAPIComparison: Sendable {
    /// One record as the API lists it.
    public struct ListedRecord: Sendable, Hashable {
        public var id: String
        public var createdAt: RFC3339Timestamp
        public var type: String

        public init(id: String, createdAt: RFC3339Timestamp, type: String) {
            self.id = id
            self.createdAt = createdAt
            self.type = type
        }
    }

    /// What the comparison counted (printed with the report).
    public struct Summary: Sendable, Hashable {
        public var since: RFC3339Timestamp
        public var until: RFC3339Timestamp
        /// Records the API lists in `[since, until)`.
        public var listed = 0
        /// API requests the listing took.
        public var requests = 0
        /// Archived records with `created_at` in `[since, until)`.
        public var archived = 0
        public var missing = 0
        public var unknown = 0
        /// Listed ids that could not be checked (their segment was removed by retention, or they
        /// may be the forwarder's own requests dropped by `drop_self_generated`).
        public var unverifiable = 0
        /// Records the API returned that could not be decoded (the forwarder dead-letters them).
        public var undecodable = 0
    }

    public var since: RFC3339Timestamp
    public var until: RFC3339Timestamp
    /// Missing `compliance_api_accessed` records are warnings, not errors, when the forwarder
    /// drops its own requests' records.
    public var dropSelfGenerated: Bool

    public init(since: RFC3339Timestamp, until: RFC3339Timestamp, dropSelfGenerated: Bool) {
        self.since = since
        self.until = until
        self.dropSelfGenerated = dropSelfGenerated
    }

    /// The window the API must be listed over (see the type's discussion).
    public var listingWindow: CreatedAtFilter {
        CreatedAtFilter(gte: since.adding(.milliseconds(-1)), lt: until.adding(.milliseconds(1)))
    }

    /// Compares `listed` (the API's records over ``listingWindow``, in ascending order) with
    /// `archived`; every id missing from the archive and every archived id unknown to the API
    /// becomes a problem naming it.
    public func compare(
        listed: [ListedRecord],
        archived: ArchivedRecords,
        directory: String
    ) -> (summary: Summary, problems: [ArchiveProblem]) {
        var summary = Summary(since: since, until: until)
        var problems: [ArchiveProblem] = []
        var nearestSegment: String?
        for record in listed where isInWindow(record.createdAt) {
            summary.listed += 1
            if let location = archived.byID[record.id] {
                nearestSegment = location.segment
                continue
            }
            let described = "\(record.id) (\(record.type), created_at \(record.createdAt))"
            if let absent = archived.absentSegment(covering: record.createdAt) {
                summary.unverifiable += 1
                problems.append(
                    ArchiveProblem(
                        .warning,
                        file: absent.segment,
                        check: "api-unverifiable",
                        "\(described) falls within a segment \(absent.reason): cannot be checked"
                    )
                )
            } else if dropSelfGenerated, record.type == "compliance_api_accessed" {
                summary.unverifiable += 1
                problems.append(
                    ArchiveProblem(
                        .warning,
                        file: nearestSegment ?? directory,
                        check: "api-unverifiable",
                        "\(described) is not archived; drop_self_generated is on, so it may be a record of the forwarder's own request"
                    )
                )
            } else {
                summary.missing += 1
                let near = nearestSegment.map { " (after the records of \($0))" } ?? ""
                problems.append(
                    ArchiveProblem(
                        .error,
                        file: nearestSegment ?? directory,
                        check: "api-missing",
                        "\(described) is listed by the API but not in the archive\(near)"
                    )
                )
            }
        }
        let known = Set(listed.map(\.id))
        let archivedInWindow = archived.byID.filter { $0.value.createdAt.map(isInWindow) ?? false }
        summary.archived = archivedInWindow.count
        for (id, location) in archivedInWindow.sorted(by: { $0.key < $1.key }) where !known.contains(id) {
            summary.unknown += 1
            let time = location.createdAt.map { ", created_at \($0)" } ?? ""
            problems.append(
                ArchiveProblem(
                    .error,
                    file: location.segment,
                    check: "api-unknown",
                    "\(id)\(time) is in the archive, but the API does not list it in the window"
                )
            )
        }
        return (summary, problems)
    }

    private func isInWindow(_ time: RFC3339Timestamp) -> Bool {
        !(time < since) && time < until
    }
}
