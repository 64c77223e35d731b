import ComplianceAPI

extension MockState {
    /// Selects and renders one page for `query` as seen at `now`.
    ///
    /// The `limit` visible records adjacent to the cursor, in the requested order; `has_more`
    /// says whether at least one more matching record lies beyond them.
    func page(_ query: MockQuery, now: Int64) throws(MockAPIError) -> [UInt8] {
        let order = store.order
        var cursorPosition: Int?
        var cursorIsAfter = true
        if let cursor = query.afterID ?? query.beforeID {
            guard let record = store.record(for: cursor) else {
                throw .invalidRequest("Invalid activity_id format: '\(cursor.text)'")
            }
            cursorPosition = store.position(atOrAfter: record.createdAt, id: record.id)
            cursorIsAfter = query.afterID != nil
        }
        // Scan forward (towards newer records) or backward, and whether the output is reversed.
        let outputForward = query.ascending
        let scanForward = cursorPosition == nil || cursorIsAfter ? outputForward : !outputForward
        var position: Int
        if let cursorPosition {
            position = scanForward ? cursorPosition + 1 : cursorPosition - 1
        } else {
            position = scanForward ? 0 : order.count - 1
        }
        // Narrow the start by the time bounds so a windowed query does not scan the whole store.
        if cursorPosition == nil {
            if scanForward, let lower = query.gte ?? query.gt.map({ $0 + 1 }) {
                position = store.position(atOrAfter: lower, id: nil)
            } else if !scanForward, let upper = query.lte ?? query.lt.map({ $0 - 1 }) {
                position = store.position(after: upper) - 1
            }
        }
        let typeFilter = Set(query.activityTypes.compactMap { typeIndexes[$0] })
        let typeExclusion = Set(query.excludeActivityTypes.compactMap { typeIndexes[$0] })
        var selected: [Int] = []
        var hasMore = false
        while position >= 0, position < order.count {
            let index = Int(order[position])
            let record = store.records[index]
            position += scanForward ? 1 : -1
            if let gte = query.gte, record.createdAt < gte { if scanForward { continue } else { break } }
            if let gt = query.gt, record.createdAt <= gt { if scanForward { continue } else { break } }
            if let lte = query.lte, record.createdAt > lte { if scanForward { break } else { continue } }
            if let lt = query.lt, record.createdAt >= lt { if scanForward { break } else { continue } }
            guard record.visibleAt <= now else { continue }
            if !typeFilter.isEmpty, !typeFilter.contains(Int(record.typeIndex)) { continue }
            if typeExclusion.contains(Int(record.typeIndex)) { continue }
            if !query.actorIDs.isEmpty || !query.organizationIDs.isEmpty {
                guard matchesIdentityFilters(record, query) else { continue }
            }
            if selected.count == query.limit {
                hasMore = true
                break
            }
            selected.append(index)
        }
        if scanForward != outputForward { selected.reverse() }

        var writer = JSONWriter(capacity: selected.count * 700 + 128)
        writer.writeRaw("{\"data\":[")
        for (offset, index) in selected.enumerated() {
            if offset > 0 { writer.writeRaw(",") }
            if index < rendered.count {
                rendered.write(index, into: &writer.bytes)
            } else {
                render(store.records[index], into: &writer.bytes)
            }
        }
        writer.writeRaw("],\"has_more\":")
        writer.writeRaw(hasMore ? "true" : "false")
        writer.writeRaw(",\"first_id\":")
        writeID(selected.first, into: &writer)
        writer.writeRaw(",\"last_id\":")
        writeID(selected.last, into: &writer)
        writer.writeRaw("}")
        return writer.bytes
    }

    private func writeID(_ index: Int?, into writer: inout JSONWriter) {
        guard let index else {
            writer.writeRaw("null")
            return
        }
        writer.writeRaw("\"")
        store.records[index].id.write(into: &writer.bytes)
        writer.writeRaw("\"")
    }

    func render(_ record: ActivityStore.Record, into bytes: inout [UInt8]) {
        let shape = ActivityGenerator.Shape(
            id: record.id,
            createdAt: RFC3339Timestamp(nanosecondsSinceEpoch: record.createdAt),
            typeIndex: Int(record.typeIndex),
            actor: MockSpec.actorKinds[Int(record.actor) % MockSpec.actorKinds.count],
            seed: record.seed,
            omitID: record.omitID
        )
        let extra = record.custom >= 0 ? store.customFields[Int(record.custom)] : nil
        // Types added at run time (unknown to the generator) have no prepared plan.
        let typeName = shape.typeIndex < generator.types.count ? nil : typeNames[shape.typeIndex]
        generator.render(shape, typeName: typeName, extra: extra, into: &bytes)
    }

    /// Reads the record's own fields with the generic JSON parser (not the client's `Activity`
    /// decoder), as the API filters on what it stored.
    private func matchesIdentityFilters(_ record: ActivityStore.Record, _ query: MockQuery) -> Bool {
        var bytes: [UInt8] = []
        render(record, into: &bytes)
        // A record rendered without its `id` (the quarantine fault) never matches a filter.
        guard let object = (try? JSONParser.parse(bytes))?.objectValue, object.string("id") != nil else {
            return false
        }
        if !query.actorIDs.isEmpty {
            guard let userID = object["actor"]?.objectValue?.string("user_id"), query.actorIDs.contains(userID)
            else { return false }
        }
        if !query.organizationIDs.isEmpty {
            let ids = [object.string("organization_id"), object.string("organization_uuid")].compactMap { $0 }
            guard ids.contains(where: query.organizationIDs.contains) else { return false }
        }
        return true
    }
}
