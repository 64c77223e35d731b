import ComplianceAPI
import ForwarderCore
import Testing

@testable import Forwarder

/// formats.md §5.1: `_bulk` bodies, per-item classification, whole-request statuses, URLs.
@Suite struct HTTPBulkTests {
    static func a1() throws -> Activity { try Activity(json: HTTPSplunkHECEncodingTests.a1JSON) }

    static func body(indexInAction: String?, activities: [Activity]) -> String {
        let dialect = ElasticsearchDialect(encoder: .raw, bulk: BulkRequestEncoder(indexInAction: indexInAction))
        return String(decoding: dialect.body(for: HTTPTestEvents.encode(activities, dialect: dialect)), as: UTF8.self)
    }

    @Test func vector1CreateWithIDAndFinalLF() throws {
        let activity = try Self.a1()
        let text = Self.body(indexInAction: nil, activities: [activity])
        #expect(text == "{\"create\":{\"_id\":\"act_01HZX3\"}}\n" + activity.rawJSON + "\n")
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 3)
    }

    @Test func vector1URLIsIndexBulk() throws {
        let endpoint = try HTTPEndpoint(
            "https://es.example.com:9200",
            appendingPath: ["logs-acme.audit-default", "_bulk"]
        )
        #expect(endpoint.url == "https://es.example.com:9200/logs-acme.audit-default/_bulk")
        let prefixed = try HTTPEndpoint(
            "https://proxy.example.com/es/?x=1",
            appendingPath: ["logs-acme.audit-default", "_bulk"],
            query: [("filter_path", "errors,items.*.status")]
        )
        #expect(
            prefixed.url
                == "https://proxy.example.com/es/logs-acme.audit-default/_bulk?x=1&filter_path=errors,items.*.status"
        )
        #expect(prefixed.redacted == "https://proxy.example.com")
    }

    @Test func vector2IndexInTheAction() throws {
        let text = Self.body(indexInAction: "logs-acme.audit-default", activities: [try Self.a1()])
        #expect(text.hasPrefix("{\"create\":{\"_index\":\"logs-acme.audit-default\",\"_id\":\"act_01HZX3\"}}\n"))
    }

    @Test func vector4MixedItemStatuses() throws {
        let reply = """
            {"errors":true,"items":[{"create":{"_id":"a1","status":201}},\
            {"create":{"_id":"a2","status":409,"error":{"type":"version_conflict_engine_exception"}}},\
            {"create":{"_id":"a3","status":400,"error":{"type":"document_parsing_exception"}}},\
            {"create":{"_id":"a4","status":429,"error":{"type":"es_rejected_execution_exception"}}},\
            {"create":{"_id":"a5","status":503}}]}
            """
        let response = try #require(BulkResponse(body: Array(reply.utf8)))
        let outcomes = response.outcomes(expectedIDs: ["a1", "a2", "a3", "a4", "a5"])
        #expect(outcomes[0] == .delivered)
        #expect(outcomes[1] == .delivered)
        #expect(
            outcomes[2]
                == .deadLetter(status: 400, reason: "Elasticsearch refused the document: document_parsing_exception")
        )
        #expect(outcomes[3] == .retry(reason: "HTTP 429 es_rejected_execution_exception"))
        #expect(outcomes[4] == .retry(reason: "HTTP 503"))
    }

    @Test func vector3IndexActionOnADataStreamIsPermanent() throws {
        let reply = """
            {"errors":true,"items":[{"index":{"_id":"a1","status":400,"error":{"type":"illegal_argument_exception",\
            "reason":"only write ops with an op_type of create are allowed in data streams"}}}]}
            """
        let outcomes = try #require(BulkResponse(body: Array(reply.utf8))).outcomes(expectedIDs: ["a1"])
        guard case .deadLetter(400, let reason) = outcomes[0] else {
            Issue.record("expected a dead letter, got \(outcomes)")
            return
        }
        #expect(reason.contains("illegal_argument_exception") && reason.contains("op_type of create"))
    }

    @Test func missingOrMismatchedItemsAreRetriedNotGuessed() throws {
        let reply =
            "{\"errors\":true,\"items\":[{\"create\":{\"_id\":\"b\",\"status\":201}},{\"create\":{\"_id\":\"x\"}}]}"
        let outcomes = try #require(BulkResponse(body: Array(reply.utf8))).outcomes(expectedIDs: ["a", "b", "c"])
        for outcome in outcomes {
            guard case .retry = outcome else {
                Issue.record("expected retry, got \(outcome)")
                continue
            }
        }
    }

    @Test func errorsFalseDeliversEverything() throws {
        let outcomes = try #require(BulkResponse(body: Array("{\"errors\":false}".utf8))).outcomes(expectedIDs: [
            "a", "b",
        ])
        #expect(outcomes == [.delivered, .delivered])
    }

    @Test func notABulkReply() {
        #expect(BulkResponse(body: Array("<html>oops</html>".utf8)) == nil)
        #expect(BulkResponse(body: Array("{\"acknowledged\":true}".utf8)) == nil)
        #expect(BulkResponse(body: []) == nil)
    }

    static func classify(status: Int, body: String = "") throws -> RequestOutcome {
        let dialect = ElasticsearchDialect(encoder: .raw, bulk: BulkRequestEncoder())
        let events = HTTPTestEvents.encode([try a1()], dialect: dialect)
        return dialect.classify(HTTPReply(status: status, body: Array(body.utf8)), for: events)
    }

    @Test func wholeRequestStatuses() throws {
        guard case .tooLarge = try Self.classify(status: 413) else {
            Issue.record("413 must split")
            return
        }
        for status in [401, 403] {
            guard
                case .configuration = try Self.classify(
                    status: status,
                    body: "{\"error\":{\"type\":\"security_exception\"}}"
                )
            else {
                Issue.record("\(status) must be a configuration error")
                return
            }
        }
        for status in [429, 502, 503, 504] {
            guard case .retry = try Self.classify(status: status) else {
                Issue.record("\(status) must be retried")
                return
            }
        }
        guard case .rejected = try Self.classify(status: 400) else {
            Issue.record("a whole-request 400 must split down to the document at fault")
            return
        }
        guard case .retry(let error, _) = try Self.classify(status: 200, body: "not json") else {
            Issue.record("an unreadable 200 must be retried (create is idempotent)")
            return
        }
        #expect(error.code == .malformedReply)
    }

    /// Request limits are tested in `HTTPDeliveryStateMachineTests.requestsRespectCountAndBytes`.
    @Test func halvesSplitInTheMiddle() {
        let events = EncodedEvents(
            bytes: [UInt8](repeating: 0, count: 1000),
            events: (0..<10).map {
                EncodedEvent(batch: 1, index: $0, activityID: "a\($0)", record: "{}", range: $0 * 100..<($0 + 1) * 100)
            }
        )
        let (first, second) = events.halves()
        #expect(first.events.map(\.index) == [0, 1, 2, 3, 4] && second.events.map(\.index) == [5, 6, 7, 8, 9])
    }

    @Test func hecAcknowledgementURL() throws {
        let ack = try HTTPEndpoint(
            "https://splunk.example.com:8088/services/collector/event?x=1",
            query: [("channel", "0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba")],
            replacingPathSuffix: ("/services/collector", "/services/collector/ack")
        )
        #expect(
            ack.url
                == "https://splunk.example.com:8088/services/collector/ack?x=1&channel=0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba"
        )
        let proxied = try HTTPEndpoint(
            "https://proxy.example.com/hec/ingest",
            replacingPathSuffix: ("/services/collector", "/services/collector/ack")
        )
        #expect(proxied.url == "https://proxy.example.com/hec/ack")
    }

    @Test func serverNameOverridesTheTLSNameButNotTheAddress() throws {
        let endpoint = try HTTPEndpoint("https://10.0.0.5:9200", appendingPath: ["_bulk"], serverName: "es.internal")
        #expect(endpoint.url == "https://es.internal:9200/_bulk")
        #expect(endpoint.dnsOverride == ["es.internal": "10.0.0.5"])
        #expect(endpoint.redacted == "https://10.0.0.5:9200")
    }
}
