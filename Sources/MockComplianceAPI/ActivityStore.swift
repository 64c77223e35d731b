import ComplianceAPI

/// The mock's data: every record's sort key, visibility time and shape, kept compact so a backlog
/// of millions fits in memory; the JSON is rendered only when a page is served.
///
/// Records are kept in `(created_at, id)` order, the API's sort order. A record is invisible until
/// its `visibleAt`, which is how rows appear late, behind a cursor that already passed them.
struct ActivityStore: Sendable {
    struct Record: Sendable {
        var createdAt: Int64
        var visibleAt: Int64
        var id: ActivityID
        var typeIndex: UInt16
        var actor: UInt8
        var omitID: Bool
        var seed: UInt64
        /// Index into `customFields`, or -1 for generated fields.
        var custom: Int32
    }

    private(set) var records: [Record] = []
    /// Record indexes in sort order.
    private(set) var order: [Int32] = []
    private(set) var customFields: [JSONObject] = []
    private var idHighSeed: UInt64

    init(seed: UInt64) {
        idHighSeed = seed
    }

    var count: Int { records.count }

    /// Adds a record and returns its id.
    @discardableResult
    mutating func append(
        createdAt: Int64,
        visibleAt: Int64,
        typeIndex: Int,
        actor: Int,
        seed: UInt64,
        omitID: Bool = false,
        fields: JSONObject? = nil
    ) -> ActivityID {
        let serial = UInt64(records.count)
        let id = ActivityID(high: SplitMix64.mix(idHighSeed ^ serial), low: serial)
        var custom: Int32 = -1
        if let fields {
            custom = Int32(customFields.count)
            customFields.append(fields)
        }
        let record = Record(
            createdAt: createdAt,
            visibleAt: visibleAt,
            id: id,
            typeIndex: UInt16(typeIndex),
            actor: UInt8(actor),
            omitID: omitID,
            seed: seed,
            custom: custom
        )
        records.append(record)
        // Most new records belong at the end; late ones land a little before it.
        var position = order.count
        while position > 0, Self.sortsBefore(record, records[Int(order[position - 1])]) {
            position -= 1
            if order.count - position > 64 {
                position = insertionPoint(for: record)
                break
            }
        }
        order.insert(Int32(records.count - 1), at: position)
        return id
    }

    /// The record an id names, when the id is one of ours.
    func record(for id: ActivityID) -> Record? {
        guard id.low < UInt64(records.count) else { return nil }
        let record = records[Int(id.low)]
        return record.id == id ? record : nil
    }

    static func sortsBefore(_ lhs: Record, _ rhs: Record) -> Bool {
        (lhs.createdAt, lhs.id) < (rhs.createdAt, rhs.id)
    }

    /// The first position in `order` whose record sorts at or after `key`.
    func position(atOrAfter createdAt: Int64, id: ActivityID?) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = records[Int(order[middle])]
            let before: Bool
            if let id {
                before = (candidate.createdAt, candidate.id) < (createdAt, id)
            } else {
                before = candidate.createdAt < createdAt
            }
            if before { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func insertionPoint(for record: Record) -> Int {
        position(atOrAfter: record.createdAt, id: record.id)
    }

    /// The first position whose `created_at` is after `createdAt`.
    func position(after createdAt: Int64) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if records[Int(order[middle])].createdAt <= createdAt { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
