import ComplianceAPI

/// Ids emitted recently (in flight or delivered), so neither pass emits an id twice.
///
/// Seeded from the checkpoint's delivered set on start; ids older than the horizon are forgotten
/// because the overlap pass never looks back that far.
struct SeenIDs {
    private var ids: [String: RFC3339Timestamp]

    init(_ delivered: [String: RFC3339Timestamp]) {
        ids = delivered
    }

    var count: Int { ids.count }

    func contains(_ id: String) -> Bool { ids[id] != nil }

    mutating func insert(_ id: String, createdAt: RFC3339Timestamp) {
        ids[id] = createdAt
    }

    mutating func prune(olderThan horizon: RFC3339Timestamp) {
        ids = ids.filter { $0.value >= horizon }
    }
}
