import ComplianceAPI
import ForwarderCore
import Testing

@Suite struct AcknowledgementTrackerTests {
    func record(_ sequence: UInt64, events: Int, resume: String? = nil) -> BatchRecord {
        BatchRecord(
            sequence: sequence,
            eventCount: events,
            resume: resume.map { ResumePoint(id: $0, createdAt: RFC3339Timestamp(secondsSinceEpoch: Int64(sequence))) },
            ids: []
        )
    }

    @Test func commitsOnlyThePrefixEverySinkFinished() throws {
        var tracker = AcknowledgementTracker(sinkCount: 2)
        for sequence in UInt64(1)...3 { try tracker.register(record(sequence, events: 3, resume: "c\(sequence)")) }
        // Sink 0 finishes batch 2 first, out of order; sink 1 finishes 1 and 3.
        for index in [2, 0, 1] { try tracker.acknowledge(sink: 0, batch: 2, event: index) }
        try tracker.acknowledgeEvery(sink: 1, batch: 1, events: 3)
        try tracker.acknowledgeEvery(sink: 1, batch: 3, events: 3)
        #expect(tracker.takeCommittable().isEmpty, "batch 1 still lacks sink 0")
        try tracker.acknowledgeEvery(sink: 0, batch: 1, events: 3)
        #expect(tracker.takeCommittable().map(\.sequence) == [1], "batch 2 still lacks sink 1")
        try tracker.acknowledgeEvery(sink: 1, batch: 2, events: 3)
        #expect(tracker.takeCommittable().map(\.sequence) == [2], "batch 3 still lacks sink 0")
        try tracker.acknowledgeEvery(sink: 0, batch: 3, events: 3)
        #expect(tracker.takeCommittable().map(\.sequence) == [3])
        #expect(tracker.pendingCount == 0)
    }

    @Test func repeatedAcknowledgementsCountOnce() throws {
        var tracker = AcknowledgementTracker(sinkCount: 1)
        try tracker.register(record(1, events: 2))
        for _ in 0..<5 { try tracker.acknowledge(sink: 0, batch: 1, event: 0) }
        #expect(tracker.takeCommittable().isEmpty)
        #expect(tracker.unacknowledgedEvents == 1)
        try tracker.acknowledge(sink: 0, batch: 1, event: 1)
        #expect(tracker.takeCommittable().count == 1)
    }

    @Test func emptyBatchesCommitInOrder() throws {
        var tracker = AcknowledgementTracker(sinkCount: 3)
        try tracker.register(record(1, events: 1, resume: "a"))
        try tracker.register(record(2, events: 0, resume: "b"))
        #expect(tracker.takeCommittable().isEmpty, "an empty batch never jumps ahead")
        for sink in 0..<3 { try tracker.acknowledge(sink: sink, batch: 1, event: 0) }
        #expect(tracker.takeCommittable().map(\.sequence) == [1, 2])
    }

    @Test func rejectsMisuse() throws {
        var tracker = AcknowledgementTracker(sinkCount: 1)
        try tracker.register(record(1, events: 1))
        #expect(throws: TrackerError.self) { try tracker.register(record(3, events: 1)) }
        #expect(throws: TrackerError.self) { try tracker.acknowledge(sink: 0, batch: 9, event: 0) }
        #expect(throws: TrackerError.self) { try tracker.acknowledge(sink: 1, batch: 1, event: 0) }
        #expect(throws: TrackerError.self) { try tracker.acknowledge(sink: 0, batch: 1, event: 1) }
    }

    /// Random interleavings of acknowledgements from several sinks: the committed prefix is
    /// always exactly the longest run of batches every sink has finished.
    @Test(arguments: 1...20)
    func randomInterleavingsNeverCommitTooFar(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed))
        let sinks = Int.random(in: 1...4, using: &generator)
        let batches = Int.random(in: 1...30, using: &generator)
        var tracker = AcknowledgementTracker(sinkCount: sinks)
        var sizes: [Int] = []
        for sequence in 1...batches {
            let size = Int.random(in: 0...7, using: &generator)
            sizes.append(size)
            try tracker.register(record(UInt64(sequence), events: size))
        }
        var pending: [(sink: Int, batch: Int, event: Int)] = []
        for sink in 0..<sinks {
            for (offset, size) in sizes.enumerated() {
                for event in 0..<size { pending.append((sink, offset + 1, event)) }
            }
        }
        pending.shuffle(using: &generator)
        var done = Set<[Int]>()
        var committed = 0
        for ack in pending {
            try tracker.acknowledge(sink: ack.sink, batch: UInt64(ack.batch), event: ack.event)
            done.insert([ack.sink, ack.batch, ack.event])
            committed += tracker.takeCommittable().count
            // The expected prefix, computed independently.
            var expected = 0
            while expected < batches,
                (0..<sinks).allSatisfy({ sink in
                    (0..<sizes[expected]).allSatisfy { done.contains([sink, expected + 1, $0]) }
                })
            {
                expected += 1
            }
            #expect(committed == expected)
        }
        #expect(committed == batches)
    }
}

extension AcknowledgementTracker {
    /// Acknowledges events `0..<events` of a batch for one sink (what a sink does for a whole batch).
    fileprivate mutating func acknowledgeEvery(sink: Int, batch: UInt64, events: Int) throws(TrackerError) {
        for index in 0..<events { try acknowledge(sink: sink, batch: batch, event: index) }
    }
}
