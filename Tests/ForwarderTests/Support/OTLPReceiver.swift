import ComplianceAPI
import Foundation
import SwiftProtobuf
import Synchronization

@testable import Forwarder

/// An OTLP/HTTP logs receiver as the specification describes it ("OTLP/HTTP"): `POST /v1/logs`
/// with an `ExportLogsServiceRequest` in protobuf (`application/x-protobuf`) or OTLP/JSON
/// (`application/json`), optionally gzip-compressed; 200 with an `ExportLogsServiceResponse` in
/// the request's encoding, `partial_success` when asked to reject records; 429/503 with
/// `Retry-After` as faults; 400 for a request holding a record it refuses; 401 without the
/// expected header. It decodes with the generated types, independently of the sink's encoder.
final class OTLPReceiver: Sendable {
    struct State {
        var requests = 0
        var stored: [String: Int] = [:]
        var records: [OTLPLogRecord] = []
        /// The resource of every stored record, by activity id.
        var resources: [String: OTLPResource] = [:]
        var contentTypes: Set<String> = []
        var gzipped = 0
        var malformed: [String] = []
        var refused = 0
        /// Arrival times of requests (for Retry-After checks).
        var arrivals: [ContinuousClock.Instant] = []
        /// Reply `partial_success` rejecting this many records to the next requests, one per entry.
        var partialRejections: [Int64] = []
        /// Requests to answer 503 with `Retry-After: 1` first.
        var unavailableFirst = 0
        /// Requests to answer 401 (echoing the Authorization header) first.
        var unauthorizedFirst = 0
    }

    let state = Mutex(State())
    /// Every 5th request 429 with `Retry-After: 0`, every 11th 503.
    let faults: Bool
    /// Activity ids whose records make the whole request fail with 400.
    let refusedIDs: Set<String>
    /// A header every request must carry.
    let requiredHeader: (name: String, value: String)?

    init(faults: Bool = false, refusedIDs: Set<String> = [], requiredHeader: (name: String, value: String)? = nil) {
        self.faults = faults
        self.refusedIDs = refusedIDs
        self.requiredHeader = requiredHeader
    }

    func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
        let number = state.withLock { state in
            state.requests += 1
            state.arrivals.append(.now)
            return state.requests
        }
        guard request.method == .POST, request.path.hasSuffix("/v1/logs") else {
            state.withLock { $0.malformed.append("\(request.method) \(request.path)") }
            return .reply(status: 404)
        }
        let contentType = request.headers.first(name: "Content-Type") ?? ""
        let isJSON = contentType == "application/json"
        if let required = requiredHeader, request.headers.first(name: required.name) != required.value {
            return .json(401, "{\"code\":16,\"message\":\"missing or wrong credentials\"}")
        }
        let early: TestHTTPResponse? = state.withLock { state in
            if state.unauthorizedFirst > 0 {
                state.unauthorizedFirst -= 1
                let echoed = request.headers.first(name: "Authorization") ?? ""
                return .json(401, "{\"code\":16,\"message\":\"token \(echoed) not accepted\"}")
            }
            if state.unavailableFirst > 0 {
                state.unavailableFirst -= 1
                return .reply(status: 503, headers: [("Retry-After", "1")])
            }
            return nil
        }
        if let early { return early }
        if faults, number % 5 == 1 { return .reply(status: 429, headers: [("Retry-After", "0")]) }
        if faults, number % 11 == 4 { return .reply(status: 503) }

        guard let body = request.body,
            let export = Self.decode(body, json: isJSON, contentType: contentType)
        else {
            state.withLock { $0.malformed.append("body (\(contentType))") }
            return .json(400, "{\"code\":3,\"message\":\"cannot decode\"}")
        }
        var ids: [(String, OTLPLogRecord, OTLPResource)] = []
        for logs in export.resourceLogs {
            for scope in logs.scopeLogs {
                for record in scope.logRecords {
                    guard let id = record.attributes.first(where: { $0.key == "log.record.uid" })?.value.stringValue
                    else {
                        state.withLock { $0.malformed.append("record without log.record.uid") }
                        continue
                    }
                    ids.append((id, record, logs.resource))
                }
            }
        }
        if ids.contains(where: { refusedIDs.contains($0.0) }) {
            state.withLock { $0.refused += 1 }
            return .json(400, "{\"code\":3,\"message\":\"log record refused by a processor\"}")
        }
        let rejected: Int64 = state.withLock { state in
            if request.headers.first(name: "Content-Encoding") == "gzip" { state.gzipped += 1 }
            state.contentTypes.insert(contentType)
            for (id, record, resource) in ids {
                state.stored[id, default: 0] += 1
                state.records.append(record)
                state.resources[id] = resource
            }
            return state.partialRejections.isEmpty ? 0 : state.partialRejections.removeFirst()
        }
        var response = OTLPExportLogsResponse()
        if rejected > 0 {
            response.partialSuccess.rejectedLogRecords = rejected
            response.partialSuccess.errorMessage = "\(rejected) log records dropped by the filter processor"
        }
        if isJSON {
            let text = (try? response.jsonString()) ?? "{}"
            return .json(200, text)
        }
        return .bytes(
            status: 200,
            headers: [("Content-Type", "application/x-protobuf")],
            body: (try? response.serializedBytes()) ?? []
        )
    }

    static func decode(_ body: [UInt8], json: Bool, contentType: String) -> OTLPExportLogsRequest? {
        if json {
            // Receivers must read the JSON names and integer enums; unknown fields are ignored.
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = true
            return try? OTLPExportLogsRequest(jsonUTF8Bytes: body, options: options)
        }
        guard contentType == "application/x-protobuf" else { return nil }
        return try? OTLPExportLogsRequest(serializedBytes: body)
    }
}
