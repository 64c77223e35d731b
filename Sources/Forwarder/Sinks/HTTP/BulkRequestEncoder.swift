import ComplianceAPI

/// Writes Elasticsearch `_bulk` action and document pairs (formats.md §5):
///
/// ```
/// {"create":{"_id":"act_01HZX3"}}⏎
/// {"@timestamp":"2024-05-01T12:34:56.789Z",…}⏎
/// ```
///
/// Always `create` with `_id` = the activity id: data streams accept nothing else, and a replay
/// of an event already stored gets a 409 instead of a second copy, so retries and restarts never
/// duplicate (within one backing index). Every line, the last included, ends with LF: a body
/// without the final LF is refused with a 400. The document must itself be one line (every
/// ``EventEncoder`` format escapes line breaks).
struct BulkRequestEncoder: Sendable {
    /// Written into each action when the request goes to `/_bulk` rather than `/<index>/_bulk`.
    var indexInAction: String?

    /// Appends one action line and one document line; `appendDocument` appends the JSON document.
    func encode(activityID: String, into writer: inout JSONWriter, appendDocument: (inout [UInt8]) -> Void) {
        writer.writeRaw("{\"create\":{")
        if let indexInAction {
            writer.writeRaw("\"_index\":")
            writer.writeString(indexInAction)
            writer.writeRaw(",")
        }
        writer.writeRaw("\"_id\":")
        writer.writeString(activityID)
        writer.writeRaw("}}\n")
        appendDocument(&writer.bytes)
        writer.bytes.append(UInt8(ascii: "\n"))
    }
}
