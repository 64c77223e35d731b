import ComplianceAPI

/// Recognises the `compliance_api_accessed` records our own polling creates.
///
/// Each of our requests returns a `request-id`; the record the API writes for that request
/// carries the same `request_id`. Matching on it is exact. The first match also reveals our
/// key's `api_key_id`, which then identifies records of requests whose id we never saw (ones
/// that failed at the transport level, or from before a restart).
struct SelfGeneratedDetector {
    private var requestIDs: Set<String> = []
    private var order: [String] = []
    private(set) var apiKeyID: String?
    private let capacity = 4096

    mutating func noteRequest(_ requestID: String?) {
        guard let requestID, requestIDs.insert(requestID).inserted else { return }
        order.append(requestID)
        if order.count > capacity {
            requestIDs.remove(order.removeFirst())
        }
    }

    mutating func isSelfGenerated(_ activity: Activity) -> Bool {
        guard activity.type == "compliance_api_accessed" else { return false }
        if let requestID = activity.extra.string("request_id"), requestIDs.contains(requestID) {
            if apiKeyID == nil { apiKeyID = activity.actor.apiKeyID }
            return true
        }
        if let apiKeyID, activity.actor.apiKeyID == apiKeyID { return true }
        return false
    }
}
