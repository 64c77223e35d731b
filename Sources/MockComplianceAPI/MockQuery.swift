import ComplianceAPI

/// A request's query string, parsed the way the real API parses it: its own code, sharing nothing
/// with the client's query builder, so a wrong wire name in the client fails a test instead of
/// being agreed on by both sides.
struct MockQuery: Sendable {
    var activityTypes: [String] = []
    var excludeActivityTypes: [String] = []
    var actorIDs: [String] = []
    var organizationIDs: [String] = []
    var gte: Int64?
    var gt: Int64?
    var lte: Int64?
    var lt: Int64?
    var afterID: ActivityID?
    var beforeID: ActivityID?
    var limit = 100
    var ascending = false

    static let arrayParameters: Set<String> = [
        "activity_types[]", "exclude_activity_types[]", "actor_ids[]", "user_ids[]", "organization_ids[]",
    ]
    static let scalarParameters: Set<String> = [
        "created_at.gte", "created_at.gt", "created_at.lte", "created_at.lt", "after_id", "before_id", "limit", "order",
    ]

    /// Parses `query` (without the `?`), validating every name and value against the spec.
    static func parse(_ query: String, knownTypes: Set<String>) throws(MockAPIError) -> MockQuery {
        var result = MockQuery()
        var seenScalars: Set<String> = []
        var typeIndex = 0
        var excludeIndex = 0
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecode(parts[0]) else {
                throw .invalidRequest("Malformed query string")
            }
            guard let value = parts.count > 1 ? percentDecode(parts[1]) : "" else {
                throw .invalidRequest("\(name): malformed percent-encoding")
            }
            if arrayParameters.contains(name) {
                switch name {
                case "activity_types[]":
                    guard knownTypes.contains(value) else {
                        throw .invalidRequest(
                            "activity_types[].\(typeIndex): Input is not one of the permitted values."
                        )
                    }
                    typeIndex += 1
                    result.activityTypes.append(value)
                case "exclude_activity_types[]":
                    guard knownTypes.contains(value) else {
                        throw .invalidRequest(
                            "exclude_activity_types[].\(excludeIndex): Input is not one of the permitted values."
                        )
                    }
                    excludeIndex += 1
                    result.excludeActivityTypes.append(value)
                case "organization_ids[]":
                    result.organizationIDs.append(value)
                default:
                    result.actorIDs.append(value)
                }
                continue
            }
            guard scalarParameters.contains(name) else {
                throw .invalidRequest("Unknown query parameter '\(name)'." + suggestion(for: name))
            }
            guard seenScalars.insert(name).inserted else {
                throw .invalidRequest("\(name): Only one value may be given")
            }
            switch name {
            case "limit":
                guard let limit = Int(value) else { throw .invalidRequest("limit: Input should be a valid integer") }
                guard limit >= 1 else { throw .invalidRequest("limit: Input should be greater than or equal to 1") }
                guard limit <= 5000 else {
                    throw .invalidRequest("limit: Input should be less than or equal to 5000")
                }
                result.limit = limit
            case "order":
                guard value == "asc" || value == "desc" else {
                    throw .invalidRequest("order: Input should be 'asc' or 'desc'")
                }
                result.ascending = value == "asc"
            case "after_id", "before_id":
                guard let id = ActivityID(value) else {
                    throw .invalidRequest("Invalid activity_id format: '\(value)'")
                }
                if name == "after_id" { result.afterID = id } else { result.beforeID = id }
            default:
                guard let time = parseDateTime(value) else {
                    throw .invalidRequest(
                        "\(name): Input should be a valid datetime, with an explicit timezone offset"
                    )
                }
                switch name {
                case "created_at.gte": result.gte = time
                case "created_at.gt": result.gt = time
                case "created_at.lte": result.lte = time
                default: result.lt = time
                }
            }
        }
        if !result.activityTypes.isEmpty, !result.excludeActivityTypes.isEmpty {
            throw .invalidRequest("activity_types[] and exclude_activity_types[] cannot be used together")
        }
        if result.afterID != nil, result.beforeID != nil {
            throw .invalidRequest("Only one of after_id or before_id may be provided")
        }
        return result
    }

    /// RFC 3339 with a mandatory offset (`Z` or `±hh:mm`), as the API requires.
    static func parseDateTime(_ text: String) -> Int64? {
        RFC3339Timestamp(text)?.nanosecondsSinceEpoch
    }

    static func suggestion(for name: String) -> String {
        let all = arrayParameters.union(scalarParameters)
        let normalized = name.replacingBrackets()
        if let match = all.first(where: { $0.replacingBrackets() == normalized }) {
            return " Did you mean '\(match)'?"
        }
        return ""
    }

    /// Decodes `%XX` escapes and `+` (as a space, as form decoding does); `nil` on bad escapes.
    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// `created_at[gte]` and `created_at.gte` both become `created_atgte`, for suggestions.
    fileprivate func replacingBrackets() -> String {
        String(unicodeScalars.filter { !"[]._".unicodeScalars.contains($0) })
    }
}

/// An error response of the mock, in the real API's shape.
struct MockAPIError: Error, Sendable {
    var status: Int
    var type: String
    var message: String
    var headers: [(String, String)] = []

    static func invalidRequest(_ message: String) -> MockAPIError {
        MockAPIError(status: 400, type: "invalid_request_error", message: message)
    }

    static let notFound = MockAPIError(status: 404, type: "not_found_error", message: "Not found")
}
