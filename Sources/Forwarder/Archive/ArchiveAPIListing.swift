import ComplianceAPI

/// Lists the ids the API holds in a window, through the project's ``ComplianceClient`` so the
/// rate budget and the retries apply as they do for the poller.
public enum ArchiveAPIListing {
    /// Pages through `query` (its filters kept; order, window and cursor set here) and returns
    /// the records in ascending order, the number of requests and of undecodable records.
    ///
    /// - Throws: ``ComplianceAPIError`` when a request fails for good, or `CancellationError`.
    public static func list(
        client: ComplianceClient,
        query base: ActivityQuery,
        window: CreatedAtFilter
    ) async throws -> (records: [ArchiveAPIComparison.ListedRecord], requests: Int, undecodable: Int) {
        var query = base
        query.order = .ascending
        query.createdAt = window
        query.limit = ActivityQuery.maximumLimit
        var records: [ArchiveAPIComparison.ListedRecord] = []
        var requests = 0
        var undecodable = 0
        while true {
            let page = try await client.fetchPage(query)
            requests += 1
            undecodable += page.invalidRecords.count
            records += page.data.map { .init(id: $0.id, createdAt: $0.createdAt, type: $0.type) }
            guard page.hasMore, let last = page.lastID else { break }
            query.afterID = last
        }
        return (records, requests, undecodable)
    }
}
