import ComplianceAPI
import Testing

@testable import Forwarder

/// The comparison as a pure value: window edges, unknown ids, absent segments and the
/// forwarder's own records.
struct ArchiveAPIComparisonTests {
    let since = RFC3339Timestamp(secondsSinceEpoch: 1_800_000_000)
    var until: RFC3339Timestamp { since.adding(.seconds(60)) }

    func listed(
        _ id: String,
        _ offset: Duration,
        type: String = "sso_login_succeeded"
    ) -> ArchiveAPIComparison.ListedRecord {
        .init(id: id, createdAt: since.adding(offset), type: type)
    }

    func archived(_ entries: [(String, Duration)]) -> ArchivedRecords {
        var records = ArchivedRecords()
        for (id, offset) in entries {
            records.byID[id] = .init(segment: "a-20260101T000000Z-000001.ndjson.gz", createdAt: since.adding(offset))
        }
        return records
    }

    @Test func missingAndUnknownIdsAreNamedAndTheWindowIsHalfOpen() {
        let comparison = ArchiveAPIComparison(since: since, until: until, dropSelfGenerated: false)
        let listing = [
            listed("before", .milliseconds(-1)), listed("a", .zero), listed("b", .seconds(30)),
            listed("c", .seconds(59)), listed("after", .seconds(60)),
        ]
        let archive = archived([("a", .zero), ("c", .seconds(59)), ("forged", .seconds(10)), ("late", .seconds(60))])
        let (summary, problems) = comparison.compare(listed: listing, archived: archive, directory: "/d")
        #expect(summary.listed == 3)
        #expect(summary.archived == 3)
        #expect(problems.map(\.check) == ["api-missing", "api-unknown"])
        #expect(problems[0].message.hasPrefix("b "))
        #expect(problems[0].file == "a-20260101T000000Z-000001.ndjson.gz", "named after the segment before it")
        #expect(problems[1].message.hasPrefix("forged"))
        #expect(comparison.listingWindow.gte == since.adding(.milliseconds(-1)))
        #expect(comparison.listingWindow.lt == until.adding(.milliseconds(1)))
    }

    @Test func idsInRetentionRemovedSegmentsAndOwnAccessRecordsAreWarnings() {
        let comparison = ArchiveAPIComparison(since: since, until: until, dropSelfGenerated: true)
        var archive = archived([])
        archive.absentSegments = [
            .init(
                segment: "gone",
                reason: "removed by retention policy (max_age 90d)",
                from: since,
                through: since.adding(.seconds(5))
            )
        ]
        let listing = [listed("old", .seconds(2)), listed("own", .seconds(20), type: "compliance_api_accessed")]
        let (summary, problems) = comparison.compare(listed: listing, archived: archive, directory: "/d")
        #expect(summary.missing == 0)
        #expect(summary.unverifiable == 2)
        #expect(problems.allSatisfy { $0.severity == .warning && $0.check == "api-unverifiable" })
        #expect(problems.first?.file == "gone")
    }
}
