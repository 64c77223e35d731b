/// Every parameter of `GET /v1/compliance/activities`, with its exact wire name.
///
/// ``validate()`` enforces the documented constraints before anything is sent, and
/// ``queryItems`` produces the repeated `name[]=value` form the API requires.
public struct ActivityQuery: Sendable, Hashable {
    /// Only these types (`activity_types[]`). Exclusive with ``excludeActivityTypes``.
    public var activityTypes: [String]
    /// All but these types (`exclude_activity_types[]`). Exclusive with ``activityTypes``.
    public var excludeActivityTypes: [String]
    /// `organization_ids[]`: `org_…` ids or organisation UUIDs.
    public var organizationIDs: [String]
    /// `actor_ids[]`: `user_…` ids.
    public var actorIDs: [String]
    /// `created_at.gte/.gt/.lte/.lt`.
    public var createdAt: CreatedAtFilter
    /// `after_id`: the next page in result order (pass the previous page's `lastID`).
    public var afterID: String?
    /// `before_id`: the previous page in result order (pass the previous page's `firstID`).
    public var beforeID: String?
    /// `limit`: 1…5000; the API defaults to 100.
    public var limit: Int?
    /// `order`; the API defaults to descending.
    public var order: SortOrder?

    /// The largest page the API serves.
    public static let maximumLimit = 5000

    public init(
        activityTypes: [String] = [],
        excludeActivityTypes: [String] = [],
        organizationIDs: [String] = [],
        actorIDs: [String] = [],
        createdAt: CreatedAtFilter = .any,
        afterID: String? = nil,
        beforeID: String? = nil,
        limit: Int? = nil,
        order: SortOrder? = nil
    ) {
        self.activityTypes = activityTypes
        self.excludeActivityTypes = excludeActivityTypes
        self.organizationIDs = organizationIDs
        self.actorIDs = actorIDs
        self.createdAt = createdAt
        self.afterID = afterID
        self.beforeID = beforeID
        self.limit = limit
        self.order = order
    }

    /// Checks the constraints the API documents, so a mistake fails here with a clear message
    /// instead of costing a request.
    public func validate() throws(ComplianceAPIError) {
        var problems: [String] = []
        if let limit, !(1...Self.maximumLimit).contains(limit) {
            problems.append("limit must be between 1 and \(Self.maximumLimit), got \(limit)")
        }
        if afterID != nil, beforeID != nil {
            problems.append("after_id and before_id cannot be combined: pass one cursor")
        }
        if !activityTypes.isEmpty, !excludeActivityTypes.isEmpty {
            problems.append("activity_types[] and exclude_activity_types[] are mutually exclusive")
        }
        if afterID?.isEmpty == true || beforeID?.isEmpty == true {
            problems.append("a cursor cannot be empty")
        }
        for (name, values) in [
            ("activity_types[]", activityTypes), ("exclude_activity_types[]", excludeActivityTypes),
            ("organization_ids[]", organizationIDs), ("actor_ids[]", actorIDs),
        ] where values.contains(where: \.isEmpty) {
            problems.append("\(name) contains an empty value")
        }
        if !problems.isEmpty {
            throw ComplianceAPIError(code: .invalidQuery, message: problems.joined(separator: "; "))
        }
    }

    /// The query as `(name, value)` pairs with the exact wire names, arrays repeated once per value.
    public var queryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        items += activityTypes.map { ("activity_types[]", $0) }
        items += excludeActivityTypes.map { ("exclude_activity_types[]", $0) }
        items += organizationIDs.map { ("organization_ids[]", $0) }
        items += actorIDs.map { ("actor_ids[]", $0) }
        if let gte = createdAt.gte { items.append(("created_at.gte", gte.wireText)) }
        if let gt = createdAt.gt { items.append(("created_at.gt", gt.wireText)) }
        if let lte = createdAt.lte { items.append(("created_at.lte", lte.wireText)) }
        if let lt = createdAt.lt { items.append(("created_at.lt", lt.wireText)) }
        if let afterID { items.append(("after_id", afterID)) }
        if let beforeID { items.append(("before_id", beforeID)) }
        if let limit { items.append(("limit", String(limit))) }
        if let order { items.append(("order", order.rawValue)) }
        return items
    }

    /// The percent-encoded query string (brackets encoded as `%5B%5D`, which the API accepts).
    public var percentEncodedQuery: String {
        queryItems.map { Self.percentEncode($0.name) + "=" + Self.percentEncode($0.value) }.joined(separator: "&")
    }

    static func percentEncode(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result.unicodeScalars.append("%")
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return result
    }
}

extension RFC3339Timestamp {
    /// UTC with an explicit `Z` and only the fraction digits needed (none for whole seconds).
    public var wireText: String {
        guard nanoseconds != 0 else { return formatted(fractionDigits: 0) }
        var digits = 9
        var value = nanoseconds
        while value % 10 == 0 {
            value /= 10
            digits -= 1
        }
        return formatted(fractionDigits: digits)
    }
}
