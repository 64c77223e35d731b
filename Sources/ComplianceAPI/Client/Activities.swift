/// The activity feed resource: `client.activities`.
///
/// Mirrors the community Python SDK's `Activities` resource: ``list(organizationIDs:actorIDs:activityTypes:excludeActivityTypes:createdAt:afterID:beforeID:limit:order:)``
/// fetches one page, ``iter(organizationIDs:actorIDs:activityTypes:excludeActivityTypes:createdAt:limit:order:)``
/// pages by itself.
public struct Activities: Sendable {
    let client: ComplianceClient

    /// Fetches one page.
    ///
    /// - Throws: ``ComplianceAPIError`` (``ComplianceAPIError/Code/insufficientScope`` for a key
    ///   without the scope, ``ComplianceAPIError/Code/invalidQuery`` for a query that breaks a
    ///   documented constraint), or `CancellationError`.
    public func list(
        organizationIDs: [String] = [],
        actorIDs: [String] = [],
        activityTypes: [String] = [],
        excludeActivityTypes: [String] = [],
        createdAt: CreatedAtFilter = .any,
        afterID: String? = nil,
        beforeID: String? = nil,
        limit: Int? = nil,
        order: SortOrder? = nil
    ) async throws -> CursorPage<Activity> {
        try await client.fetchPage(
            ActivityQuery(
                activityTypes: activityTypes,
                excludeActivityTypes: excludeActivityTypes,
                organizationIDs: organizationIDs,
                actorIDs: actorIDs,
                createdAt: createdAt,
                afterID: afterID,
                beforeID: beforeID,
                limit: limit,
                order: order
            )
        )
    }

    /// Every matching activity, fetched page by page (following `after_id`) as you iterate.
    ///
    /// Records the API returns that are not valid activities are logged and skipped; use
    /// ``list(organizationIDs:actorIDs:activityTypes:excludeActivityTypes:createdAt:afterID:beforeID:limit:order:)``
    /// to see them in ``CursorPage/invalidRecords``.
    public func iter(
        organizationIDs: [String] = [],
        actorIDs: [String] = [],
        activityTypes: [String] = [],
        excludeActivityTypes: [String] = [],
        createdAt: CreatedAtFilter = .any,
        limit: Int? = nil,
        order: SortOrder? = nil
    ) -> ActivitySequence {
        ActivitySequence(
            client: client,
            query: ActivityQuery(
                activityTypes: activityTypes,
                excludeActivityTypes: excludeActivityTypes,
                organizationIDs: organizationIDs,
                actorIDs: actorIDs,
                createdAt: createdAt,
                limit: limit,
                order: order
            )
        )
    }
}

/// An `AsyncSequence` of activities that fetches the next page when the current one is used up.
public struct ActivitySequence: AsyncSequence, Sendable {
    public typealias Element = Activity

    let client: ComplianceClient
    let query: ActivityQuery

    public struct AsyncIterator: AsyncIteratorProtocol {
        let client: ComplianceClient
        var query: ActivityQuery
        var buffer: [Activity] = []
        var bufferIndex = 0
        var finished = false

        public mutating func next() async throws -> Activity? {
            while bufferIndex == buffer.count {
                if finished { return nil }
                let page = try await client.fetchPage(query)
                buffer = page.data
                bufferIndex = 0
                if page.hasMore, let lastID = page.lastID {
                    query.afterID = lastID
                } else {
                    finished = true
                }
            }
            defer { bufferIndex += 1 }
            return buffer[bufferIndex]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, query: query)
    }
}
