import ComplianceAPI
import Testing

@Suite struct ActivityQueryTests {
    @Test func encodesEveryParameterWithItsWireName() throws {
        let query = ActivityQuery(
            activityTypes: ["sso_login_failed", "api_key_created"],
            organizationIDs: ["org_1"],
            actorIDs: ["user_a", "user_b"],
            createdAt: CreatedAtFilter(
                gte: RFC3339Timestamp("2026-01-01T00:00:00Z"),
                gt: RFC3339Timestamp("2026-01-01T00:00:00.5Z"),
                lte: RFC3339Timestamp("2026-02-01T00:00:00+01:00"),
                lt: RFC3339Timestamp("2026-03-01T00:00:00Z")
            ),
            afterID: "activity_01x",
            limit: 5000,
            order: .ascending
        )
        try query.validate()
        #expect(
            query.queryItems.map { "\($0.name)=\($0.value)" } == [
                "activity_types[]=sso_login_failed", "activity_types[]=api_key_created",
                "organization_ids[]=org_1", "actor_ids[]=user_a", "actor_ids[]=user_b",
                "created_at.gte=2026-01-01T00:00:00Z", "created_at.gt=2026-01-01T00:00:00.5Z",
                "created_at.lte=2026-01-31T23:00:00Z", "created_at.lt=2026-03-01T00:00:00Z",
                "after_id=activity_01x", "limit=5000", "order=asc",
            ]
        )
        #expect(query.percentEncodedQuery.hasPrefix("activity_types%5B%5D=sso_login_failed&activity_types%5B%5D="))
        #expect(query.percentEncodedQuery.contains("created_at.gte=2026-01-01T00%3A00%3A00Z"))
    }

    @Test func encodesExcludesAndBeforeID() throws {
        let query = ActivityQuery(excludeActivityTypes: ["compliance_api_accessed"], beforeID: "b", order: .descending)
        #expect(
            query.percentEncodedQuery == "exclude_activity_types%5B%5D=compliance_api_accessed&before_id=b&order=desc"
        )
    }

    @Test(arguments: [
        (ActivityQuery(limit: 0), "limit must be between 1 and 5000"),
        (ActivityQuery(limit: 5001), "limit must be between 1 and 5000"),
        (ActivityQuery(afterID: "a", beforeID: "b"), "after_id and before_id cannot be combined"),
        (ActivityQuery(activityTypes: ["a"], excludeActivityTypes: ["b"]), "mutually exclusive"),
        (ActivityQuery(actorIDs: [""]), "actor_ids[] contains an empty value"),
    ])
    func rejectsWhatTheAPIDocumentsAsInvalid(_ query: ActivityQuery, _ expected: String) {
        #expect {
            try query.validate()
        } throws: { error in
            guard let error = error as? ComplianceAPIError else { return false }
            return error.code == .invalidQuery && error.message.contains(expected) && !error.isRetryable
        }
    }
}
