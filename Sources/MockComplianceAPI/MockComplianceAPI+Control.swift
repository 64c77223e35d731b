import ComplianceAPI

/// What tests and the demo can ask of a running mock.
extension MockComplianceAPI {
    /// Serves `faults`, one per request, before anything else.
    public func enqueueFaults(_ faults: [MockFault]) {
        state.withLock { $0.queuedFaults.append(contentsOf: faults) }
    }

    /// From now on only `keys` are accepted (key rotation: others get 404 like any wrong key).
    public func acceptOnly(apiKeys keys: Set<String>) {
        state.withLock { $0.acceptedAPIKeys = keys }
    }

    /// Faults still queued.
    public var pendingFaults: Int { state.withLock { $0.queuedFaults.count } }

    /// Adds a record of `type` created at `createdAt` that becomes queryable at `visibleAt`
    /// (defaults to `createdAt`), with generated or the given per-type fields. Returns its id.
    @discardableResult
    public func insert(
        type: String,
        createdAt: RFC3339Timestamp,
        visibleAt: RFC3339Timestamp? = nil,
        fields: JSONObject? = nil,
        seed: UInt64 = 7
    ) -> String {
        state.withLock { state in
            let typeIndex: Int
            if let known = state.typeIndexes[type] {
                typeIndex = known
            } else {
                typeIndex = state.typeNames.count
                state.typeNames.append(type)
                state.typeIndexes[type] = typeIndex
            }
            let actor = ActivityGenerator.actorKind(for: type, roll: seed)
            return state.store.append(
                createdAt: createdAt.nanosecondsSinceEpoch,
                visibleAt: (visibleAt ?? createdAt).nanosecondsSinceEpoch,
                typeIndex: typeIndex,
                actor: MockSpec.actorKinds.firstIndex(of: actor) ?? 0,
                seed: seed,
                fields: fields
            ).text
        }
    }

    /// Generates the live records due by the clock's current time (requests do this by themselves).
    public func catchUp() {
        let now = configuration.clock.now.nanosecondsSinceEpoch
        state.withLock { $0.catchUp(now: now) }
    }

    /// The ids of every record the mock holds (optionally only those visible now), in sort order.
    /// Records generated without an id are listed too: their ids are what the dead letters hold.
    public func allIDs(visibleOnly: Bool = false) -> [String] {
        let now = configuration.clock.now.nanosecondsSinceEpoch
        return state.withLock { state in
            state.store.order.compactMap { index in
                let record = state.store.records[Int(index)]
                if visibleOnly, record.visibleAt > now { return nil }
                return record.id.text
            }
        }
    }

    /// Stops generating live records (records already generated still become visible on time).
    public func stopLiveGeneration() {
        let now = configuration.clock.now.nanosecondsSinceEpoch
        state.withLock {
            $0.catchUp(now: now)
            $0.liveStopped = true
        }
    }

    /// When each request arrived, by the mock's clock.
    public var requestTimes: [RFC3339Timestamp] { state.withLock { $0.requestTimes } }

    /// Every request so far: when it arrived (the mock's clock) and the key it carried.
    public var requestLog: [(at: RFC3339Timestamp, apiKey: String?)] {
        state.withLock { state in zip(state.requestTimes, state.requestKeys).map { ($0, $1) } }
    }

    /// The largest number of requests in any 60-second window.
    public var peakRequestsPerMinute: Int {
        let times = requestTimes
        var peak = 0
        var start = 0
        for end in times.indices {
            while times[end].duration(since: times[start]) >= .seconds(60) { start += 1 }
            peak = max(peak, end - start + 1)
        }
        return peak
    }

    /// When the latest record becomes visible.
    public var lastVisibleAt: RFC3339Timestamp? {
        state.withLock { state in
            state.store.records.map(\.visibleAt).max().map { RFC3339Timestamp(nanosecondsSinceEpoch: $0) }
        }
    }

    /// How many records the mock holds.
    public var recordCount: Int { state.withLock { $0.store.count } }

    /// Responses served so far, by HTTP status (0 for connection resets).
    public var responsesByStatus: [Int: Int] { state.withLock { $0.statusCounts } }

    /// Requests answered so far.
    public var requestCount: Int { state.withLock { $0.statusCounts.values.reduce(0, +) } }

    /// The full JSON of the record with `id`, as the API would serve it.
    public func recordJSON(id: String) -> String? {
        guard let parsed = ActivityID(id) else { return nil }
        return state.withLock { state in
            guard let record = state.store.record(for: parsed) else { return nil }
            var bytes: [UInt8] = []
            state.render(record, into: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

extension MockComplianceAPI {
    /// Binds a mock, serves it while `body` runs, then stops it.
    public static func withRunning<T: Sendable>(
        configuration: Configuration = .init(),
        _ body: (MockComplianceAPI) async throws -> T
    ) async throws -> T {
        let mock = try await bind(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await mock.run() }
            defer { group.cancelAll() }
            return try await body(mock)
        }
    }
}
