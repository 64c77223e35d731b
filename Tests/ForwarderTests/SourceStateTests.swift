import ComplianceAPI
import ForwarderCore
import Testing

@testable import Forwarder

/// The poller's two pieces of remembered state, as values, without I/O.
@Suite struct SeenIDsTests {
    let base = RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000)

    @Test func startsFromTheCheckpointsDeliveredSet() {
        let seen = SeenIDs(["a": base, "b": base.adding(.seconds(1))])
        #expect(seen.count == 2)
        #expect(seen.contains("a") && seen.contains("b"))
        #expect(!seen.contains("c"))
    }

    @Test func remembersInsertedIDsOnce() {
        var seen = SeenIDs([:])
        seen.insert("a", createdAt: base)
        seen.insert("a", createdAt: base.adding(.seconds(5)))
        #expect(seen.count == 1)
        #expect(seen.contains("a"))
    }

    @Test func pruningForgetsOnlyIDsOlderThanTheHorizon() {
        var seen = SeenIDs([:])
        seen.insert("old", createdAt: base.adding(.seconds(-1)))
        seen.insert("edge", createdAt: base)
        seen.insert("new", createdAt: base.adding(.seconds(1)))
        seen.prune(olderThan: base)
        #expect(!seen.contains("old"))
        #expect(seen.contains("edge"), "an id exactly at the horizon is still inside it")
        #expect(seen.contains("new"))
        #expect(seen.count == 2)
    }
}

/// Holds the detector by reference, so `#expect` can call its mutating check.
final class DetectorBox {
    var detector = SelfGeneratedDetector()
    var apiKeyID: String? { detector.apiKeyID }
    func noteRequest(_ id: String?) { detector.noteRequest(id) }
    func classify(_ activity: Activity) -> Bool { detector.isSelfGenerated(activity) }
}

@Suite struct SelfGeneratedDetectorTests {
    static func access(id: String, requestID: String?, apiKeyID: String?) throws -> Activity {
        let request = requestID.map { ",\"request_id\":\"\($0)\"" } ?? ""
        let key = apiKeyID.map { ",\"api_key_id\":\"\($0)\"" } ?? ""
        return try Activity(
            json: "{\"id\":\"\(id)\",\"created_at\":\"2026-01-01T00:00:00Z\",\"type\":\"compliance_api_accessed\","
                + "\"actor\":{\"type\":\"api_actor\"\(key)}\(request)}"
        )
    }

    @Test func matchesTheRecordOfOurOwnRequestByRequestID() throws {
        let detector = DetectorBox()
        detector.noteRequest("req_ours")
        #expect(try detector.classify(Self.access(id: "a", requestID: "req_ours", apiKeyID: "key_ours")))
        #expect(try !detector.classify(Self.access(id: "b", requestID: "req_theirs", apiKeyID: "key_theirs")))
    }

    @Test func theFirstMatchRevealsOurKeyWhichThenMatchesUnseenRequests() throws {
        let detector = DetectorBox()
        // Before any match, a record of an unseen request is not ours, whatever its key.
        #expect(try !detector.classify(Self.access(id: "a", requestID: "req_lost", apiKeyID: "key_ours")))
        #expect(detector.apiKeyID == nil)
        detector.noteRequest("req_seen")
        #expect(try detector.classify(Self.access(id: "b", requestID: "req_seen", apiKeyID: "key_ours")))
        #expect(detector.apiKeyID == "key_ours")
        #expect(try detector.classify(Self.access(id: "c", requestID: "req_lost", apiKeyID: "key_ours")))
        #expect(try detector.classify(Self.access(id: "d", requestID: nil, apiKeyID: "key_ours")))
        #expect(try !detector.classify(Self.access(id: "e", requestID: "req_other", apiKeyID: "key_other")))
    }

    @Test func onlyAccessRecordsAreSelfGenerated() throws {
        let detector = DetectorBox()
        detector.noteRequest("req_ours")
        let other = try Activity(
            json: "{\"id\":\"a\",\"created_at\":\"2026-01-01T00:00:00Z\",\"type\":\"api_key_created\","
                + "\"actor\":{\"type\":\"api_actor\",\"api_key_id\":\"key_ours\"},\"request_id\":\"req_ours\"}"
        )
        #expect(!detector.classify(other))
    }

    @Test func remembersTheLatestRequestIDsOnly() throws {
        let detector = DetectorBox()
        detector.noteRequest("req_0")
        for number in 1...4096 { detector.noteRequest("req_\(number)") }
        #expect(try !detector.classify(Self.access(id: "a", requestID: "req_0", apiKeyID: "key_ours")))
        #expect(try detector.classify(Self.access(id: "b", requestID: "req_1", apiKeyID: "key_ours")))
    }

    @Test func aMissingRequestIDIsIgnored() throws {
        let detector = DetectorBox()
        detector.noteRequest(nil)
        #expect(try !detector.classify(Self.access(id: "a", requestID: nil, apiKeyID: nil)))
    }
}

/// The one place the source's settings become the query every request carries.
@Suite struct BaseQueryTests {
    @Test func carriesTheFiltersAndPageSizeAndNothingElse() throws {
        let configuration = ForwarderConfiguration.Source(
            apiKey: APIKey("unused"),
            pageSize: 250,
            activityTypes: ["sso_login_failed"],
            organizationIDs: ["org_1"],
            actorIDs: ["user_1"]
        )
        let query = configuration.baseQuery
        #expect(query.limit == 250)
        #expect(query.activityTypes == ["sso_login_failed"])
        #expect(query.organizationIDs == ["org_1"])
        #expect(query.actorIDs == ["user_1"])
        #expect(query.afterID == nil && query.order == nil && query.createdAt == .any)
        #expect(throws: Never.self) { try query.validate() }
    }
}
