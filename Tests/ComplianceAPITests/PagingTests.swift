import ComplianceAPI
import MockComplianceAPI
import Testing

@Suite struct PagingTests {
    /// A dense backlog (many records per millisecond) so ties must be broken by id.
    static let configuration = MockComplianceAPI.Configuration(
        backlog: 2_345,
        backlogSpan: .milliseconds(500),
        recordAccess: false
    )

    @Test func ascendingAfterIDSeesEveryRecordOnceInOrder() async throws {
        try await MockComplianceAPI.withRunning(configuration: Self.configuration) { mock in
            let client = makeClient(mock)
            var seen: [String] = []
            var cursor: String?
            var previous: (RFC3339Timestamp, String)?
            repeat {
                let page = try await client.activities.list(afterID: cursor, limit: 500, order: .ascending)
                for activity in page.data {
                    if let previous { #expect(previous < (activity.createdAt, activity.id)) }
                    previous = (activity.createdAt, activity.id)
                }
                seen += page.data.map(\.id)
                #expect(page.firstID == page.data.first?.id && page.lastID == page.data.last?.id)
                cursor = page.lastID
                if !page.hasMore { break }
            } while true
            #expect(seen == mock.allIDs())
        }
    }

    @Test func descendingDefaultOrderAndBeforeIDWalkBothWays() async throws {
        try await MockComplianceAPI.withRunning(configuration: Self.configuration) { mock in
            let client = makeClient(mock)
            var newestFirst: [String] = []
            var cursor: String?
            while true {
                let page = try await client.activities.list(afterID: cursor, limit: 1000)
                newestFirst += page.data.map(\.id)
                cursor = page.lastID
                if !page.hasMore { break }
            }
            #expect(newestFirst == mock.allIDs().reversed())

            // Back towards the present from the oldest record, with before_id, as the docs describe.
            let oldest = try #require(newestFirst.last)
            var towardsPresent: [String] = []
            var before = oldest
            while true {
                let page = try await client.activities.list(beforeID: before, limit: 700, order: .descending)
                towardsPresent = page.data.map(\.id) + towardsPresent
                guard page.hasMore, let first = page.firstID else { break }
                before = first
            }
            #expect(towardsPresent == Array(newestFirst.dropLast()))
        }
    }

    @Test func iterPagesByItselfAndHonoursFilters() async throws {
        try await MockComplianceAPI.withRunning(configuration: Self.configuration) { mock in
            let client = makeClient(mock)
            var all: [String] = []
            for try await activity in client.activities.iter(limit: 100, order: .ascending) {
                all.append(activity.id)
            }
            #expect(all == mock.allIDs())

            var logins = 0
            for try await activity in client.activities.iter(activityTypes: ["sso_login_succeeded"], limit: 50) {
                #expect(activity.type == "sso_login_succeeded")
                logins += 1
            }
            var excluded = 0
            for try await activity in client.activities.iter(excludeActivityTypes: ["sso_login_succeeded"], limit: 5000)
            {
                #expect(activity.type != "sso_login_succeeded")
                excluded += 1
            }
            #expect(logins > 0 && logins + excluded == all.count)
        }
    }

    @Test func createdAtWindowIsInclusiveBelowAndExclusiveAbove() async throws {
        let start = RFC3339Timestamp(secondsSinceEpoch: 1_700_000_000)
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            let ids = (0..<5).map { mock.insert(type: "claude_chat_viewed", createdAt: start.adding(.seconds($0))) }
            let client = makeClient(mock)
            let page = try await client.activities.list(
                createdAt: CreatedAtFilter(gte: start.adding(.seconds(1)), lt: start.adding(.seconds(4))),
                order: .ascending
            )
            #expect(page.data.map(\.id) == Array(ids[1..<4]))
        }
    }

    @Test func lateRowsAppearBehindTheCursor() async throws {
        let clock = VirtualClock()
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false, clock: clock)) { mock in
            let now = clock.now
            let early = mock.insert(type: "claude_chat_viewed", createdAt: now.adding(.seconds(-10)))
            let late = mock.insert(
                type: "sso_login_failed",
                createdAt: now.adding(.seconds(-5)),
                visibleAt: now.adding(.seconds(30))
            )
            let newer = mock.insert(type: "claude_chat_viewed", createdAt: now.adding(.seconds(-1)))
            let client = makeClient(mock, clock: clock)
            let first = try await client.activities.list(limit: 10, order: .ascending)
            #expect(first.data.map(\.id) == [early, newer])
            clock.advance(by: .seconds(31))
            let afterCursor = try await client.activities.list(afterID: newer, order: .ascending)
            #expect(afterCursor.data.isEmpty, "a plain cursor loop never sees the late row")
            let overlap = try await client.activities.list(
                createdAt: CreatedAtFilter(gte: now.adding(.seconds(-60))),
                order: .ascending
            )
            #expect(overlap.data.map(\.id) == [early, late, newer])
        }
    }
}
