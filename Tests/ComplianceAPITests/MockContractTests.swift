import AsyncHTTPClient
import ComplianceAPI
import MockComplianceAPI
import NIOCore
import Testing

/// The mock rejects what the real API rejects, in the real error shape.
@Suite struct MockContractTests {
    func get(_ mock: MockComplianceAPI, _ query: String, key: String? = "k") async throws -> (Int, String, String?) {
        var request = HTTPClientRequest(
            url: mock.baseURL + "/v1/compliance/activities" + (query.isEmpty ? "" : "?" + query)
        )
        if let key { request.headers.add(name: "x-api-key", value: key) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 10_000_000)
        return (Int(response.status.code), String(buffer: body), response.headers.first(name: "request-id"))
    }

    @Test(arguments: [
        (
            "created_at%5Bgte%5D=2026-01-01T00:00:00Z",
            "Unknown query parameter 'created_at[gte]'. Did you mean 'created_at.gte'?"
        ),
        (
            "activity_types=sso_login_failed",
            "Unknown query parameter 'activity_types'. Did you mean 'activity_types[]'?"
        ),
        ("page=2", "Unknown query parameter 'page'."),
        ("limit=5001", "limit: Input should be less than or equal to 5000"),
        ("limit=0", "limit: Input should be greater than or equal to 1"),
        ("limit=ten", "limit: Input should be a valid integer"),
        ("order=newest", "order: Input should be 'asc' or 'desc'"),
        ("created_at.gte=2026-01-01T00:00:00", "created_at.gte: Input should be a valid datetime"),
        ("created_at.lt=2026-01-01T00:00:00+01:00", "created_at.lt: Input should be a valid datetime"),
        (
            "activity_types%5B%5D=sso_login_failed&activity_types%5B%5D=nope",
            "activity_types[].1: Input is not one of the permitted values."
        ),
        (
            "activity_types%5B%5D=sso_login_failed&exclude_activity_types%5B%5D=api_key_created",
            "cannot be used together"
        ),
        (
            "after_id=activity_011111111111111111111111&before_id=activity_011111111111111111111112",
            "Only one of after_id or before_id"
        ),
        ("after_id=bogus", "Invalid activity_id format: 'bogus'"),
        ("limit=1&limit=2", "limit: Only one value may be given"),
    ])
    func rejectsInvalidRequestsWith400(_ query: String, _ message: String) async throws {
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            let (status, body, requestID) = try await get(mock, query)
            #expect(status == 400)
            #expect(body.contains(#""type":"invalid_request_error""#))
            #expect(body.contains(message), "\(body)")
            #expect(requestID != nil)
        }
    }

    @Test func answersMissingKeysAndUnknownPathsWith404NotFound() async throws {
        try await MockComplianceAPI.withRunning { mock in
            let (status, body, _) = try await get(mock, "", key: nil)
            #expect(status == 404)
            #expect(body.contains(#""error":{"type":"not_found_error","message":"Not found"}"#))
        }
    }

    @Test func emptyPagesHaveNullIDsAndRateHeadersAreSent() async throws {
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false, rateLimitPerMinute: 2)) {
            mock in
            let (status, body, _) = try await get(mock, "limit=5")
            #expect(status == 200)
            #expect(body == #"{"data":[],"has_more":false,"first_id":null,"last_id":null}"#)
            _ = try await get(mock, "")
            let (limited, limitedBody, _) = try await get(mock, "")
            #expect(limited == 429)
            #expect(limitedBody.contains("rate_limit_error"))
        }
    }

    @Test func recordsEveryCallAsAComplianceAPIAccessedActivity() async throws {
        let clock = VirtualClock()
        try await MockComplianceAPI.withRunning(configuration: .init(clock: clock)) { mock in
            let client = makeClient(mock, clock: clock)
            _ = try await client.activities.list(limit: 7)
            clock.advance(by: .seconds(5))
            let page = try await client.activities.list(order: .ascending)
            let access = try #require(page.data.first)
            #expect(access.type == "compliance_api_accessed")
            #expect(access.actor.kind == .api)
            #expect(access.organizationID == nil)
            #expect(access.extra.string("url")?.hasSuffix("?limit=7") == true)
        }
    }

    @Test func prerenderedRecordsServeTheSameBytesAsRenderingOnDemand() async throws {
        // Same seed, backlog end and clock: only the rendering strategy differs. Access records are
        // added between requests, so the prerendered mock must also render what arrives later.
        let end = try #require(RFC3339Timestamp("2026-11-01T00:00:00Z"))
        func pages(prerendered: Bool) async throws -> [String] {
            let clock = VirtualClock(start: end)
            let configuration = MockComplianceAPI.Configuration(
                seed: 7,
                backlog: 300,
                backlogEnd: end,
                prerendersRecords: prerendered,
                clock: clock
            )
            return try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
                var bodies: [String] = []
                for query in ["limit=120&order=asc", "limit=5000&order=desc", "limit=50"] {
                    clock.advance(by: .seconds(1))
                    bodies.append(try await get(mock, query).1)
                }
                return bodies
            }
        }
        let onDemand = try await pages(prerendered: false)
        let prerendered = try await pages(prerendered: true)
        #expect(onDemand.count == 3)
        #expect(onDemand[1].contains("compliance_api_accessed"))
        #expect(prerendered == onDemand)
    }

    @Test func generatesEveryTypeAndEveryActorVariant() async throws {
        try await MockComplianceAPI.withRunning(configuration: .init(backlog: 20_000, recordAccess: false)) { mock in
            let client = makeClient(mock)
            var types: Set<String> = []
            var actors: Set<String> = []
            var tricky = 0
            for try await activity in client.activities.iter(limit: 5000) {
                types.insert(activity.type)
                actors.insert(activity.actor.kind.rawValue)
                if activity.rawJSON.contains("|") || activity.rawJSON.contains("\\n") { tricky += 1 }
            }
            let generator = ActivityGenerator()
            #expect(types.count == generator.types.count)
            #expect(actors == Set(Actor.Kind.documented.map(\.rawValue)))
            #expect(tricky > 100)
        }
    }
}
