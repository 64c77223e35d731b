import ComplianceAPI

/// An Elasticsearch `_bulk` reply and what it means for each document (formats.md §5).
///
/// `_bulk` answers 200 even when documents failed: `{"errors":true,"items":[{"create":{"_id":…,
/// "status":201}},…]}`, one item per action in request order. Per item:
/// - `status` < 300: stored. 409 on `create`: an earlier attempt stored it, so it is delivered too.
/// - 429 (`es_rejected_execution_exception`) and 5xx: deferred, sent again with the next request.
/// - any other 4xx (mapping errors, `illegal_argument_exception`, 404): dead-lettered with the
///   error type and reason.
/// - an item that is missing, has no status, or names another `_id`: retried (safe: `create` is
///   idempotent), never guessed to be delivered.
struct BulkResponse: Sendable, Equatable {
    struct Item: Sendable, Equatable {
        var action: String
        var id: String?
        var status: Int?
        var errorType: String?
        var errorReason: String?
    }

    /// The top-level `errors` flag; `false` means every item succeeded.
    var errors: Bool?
    var items: [Item]

    /// Parses a reply; `nil` when it is not a `_bulk` reply at all.
    init?(body: [UInt8]) {
        guard let object = (try? JSONParser.parse(body))?.objectValue else { return nil }
        errors = object["errors"]?.boolValue
        let itemValues = object["items"]?.arrayValue
        guard errors != nil || itemValues != nil else { return nil }
        items = (itemValues ?? []).map { value in
            guard let member = value.objectValue?.members.first, let result = member.value.objectValue else {
                return Item(action: "", id: nil, status: nil)
            }
            let error = result["error"]
            return Item(
                action: member.key,
                id: result["_id"]?.stringValue,
                status: result["status"]?.int64Value.flatMap { Int(exactly: $0) },
                errorType: error?.objectValue?["type"]?.stringValue ?? error?.stringValue,
                errorReason: error?.objectValue?["reason"]?.stringValue
            )
        }
    }

    init(errors: Bool?, items: [Item]) {
        self.errors = errors
        self.items = items
    }

    /// One outcome per document sent, in request order.
    func outcomes(expectedIDs: [String]) -> [EventOutcome] {
        if errors == false { return expectedIDs.map { _ in .delivered } }
        return expectedIDs.enumerated().map { position, expectedID in
            guard position < items.count else { return .retry(reason: "no result for this document in the reply") }
            let item = items[position]
            if let id = item.id, id != expectedID {
                return .retry(reason: "the reply's item \(position) names another document")
            }
            return Self.outcome(item)
        }
    }

    /// The outcome of one item.
    static func outcome(_ item: Item) -> EventOutcome {
        guard let status = item.status else { return .retry(reason: "no status for this document in the reply") }
        switch status {
        case 200..<300:
            return .delivered
        case 409 where item.action == "create":
            return .delivered
        case 429, 500..<600:
            return .retry(reason: "HTTP \(status) \(item.errorType ?? "")".trimmedSuffix)
        case 400..<500:
            var reason = "Elasticsearch refused the document"
            if let type = item.errorType { reason += ": \(type)" }
            if let detail = item.errorReason { reason += ": \(detail)" }
            return .deadLetter(status: status, reason: reason)
        default:
            return .retry(reason: "unexpected item status \(status)")
        }
    }
}

extension String {
    fileprivate var trimmedSuffix: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
