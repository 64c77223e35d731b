import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

/// Per-sink resume as a value: what each sink acknowledged beyond the common cursor, how it gets
/// into the checkpoint, and how it leaves.
@Suite struct SinkProgressTests {
    let start = RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000)

    func at(_ seconds: Int64) -> RFC3339Timestamp { start.adding(.seconds(seconds)) }

    /// A cursor page of `ids`, created one second apart from `first`.
    func page(_ sequence: UInt64, _ ids: [String], first: Int64) -> BatchRecord {
        let events = ids.enumerated().map { ($1, at(first + Int64($0))) }
        return BatchRecord(
            sequence: sequence,
            eventCount: ids.count,
            resume: events.last.map { ResumePoint(id: $0.0, createdAt: $0.1) },
            ids: [],
            eventIDs: events
        )
    }

    @Test func theTrackerReportsWhatEachSinkAcknowledgedInPendingBatches() throws {
        var tracker = AcknowledgementTracker(sinkCount: 3)
        try tracker.register(page(1, ["a", "b"], first: 0))
        try tracker.register(page(2, ["c", "d"], first: 2))
        // "archive" has everything, "siem" one event, "splunk" (stalled) nothing.
        for batch: UInt64 in [1, 2] {
            for event in 0..<2 { try tracker.acknowledge(sink: 0, batch: batch, event: event) }
        }
        #expect(try tracker.acknowledge(sink: 1, batch: 2, event: 1))
        #expect(try tracker.acknowledge(sink: 1, batch: 2, event: 1) == false, "a repeat is not new")

        let progress = tracker.progress(sinkNames: ["archive", "siem", "splunk"])
        #expect(progress.ids(of: "archive") == ["a": at(0), "b": at(1), "c": at(2), "d": at(3)])
        #expect(progress.ids(of: "siem") == ["d": at(3)])
        #expect(progress.ids(of: "splunk").isEmpty)
        #expect(progress.acknowledged.keys.sorted() == ["archive", "siem"], "no empty entries")
        #expect(tracker.takeCommittable().isEmpty, "the stalled sink holds the common cursor back")
    }

    @Test func eventsBeyondSixtyFourAndUntrackedBatchesAreHandled() throws {
        var tracker = AcknowledgementTracker(sinkCount: 1)
        let ids = (0..<130).map { "id\($0)" }
        try tracker.register(page(1, ids, first: 0))
        try tracker.register(BatchRecord(sequence: 2, eventCount: 1, resume: nil, ids: []))
        for event in [0, 63, 64, 129] { try tracker.acknowledge(sink: 0, batch: 1, event: event) }
        try tracker.acknowledge(sink: 0, batch: 2, event: 0)
        let progress = tracker.progress(sinkNames: ["archive"])
        #expect(Set(progress.ids(of: "archive").keys) == ["id0", "id63", "id64", "id129"])
    }

    @Test func committingABatchForgetsItsIDsForEverySink() throws {
        var state = CheckpointState(
            start: start,
            sinkProgress: SinkProgress([
                "archive": ["a": at(0), "b": at(1), "x": at(9)],
                "siem": ["b": at(1)],
            ])
        )
        state.apply(page(1, ["a", "b"], first: 0), now: at(100))
        #expect(state.cursor == "b")
        #expect(state.sinkProgress == SinkProgress(["archive": ["x": at(9)]]), "siem's only entry is gone")
    }

    @Test func pruningDropsOnlyEntriesNoPassCanReadAgain() {
        var state = CheckpointState(
            start: start,
            cursor: "cursor",
            cursorCreatedAt: at(1000),
            sinkProgress: SinkProgress([
                "archive": [
                    "behind-and-old": at(100),  // before the cursor and the horizon: never read again
                    "late-recent": at(950),  // behind the cursor, inside the horizon: the overlap pass
                    "ahead-old": at(1001),  // after the cursor (a backfill): the cursor pass
                ]
            ])
        )
        state.prune(olderThan: at(900))
        #expect(Set(state.sinkProgress.ids(of: "archive").keys) == ["late-recent", "ahead-old"])

        var fresh = CheckpointState(start: start, sinkProgress: SinkProgress(["archive": ["first": at(0)]]))
        fresh.prune(olderThan: at(900))
        #expect(fresh.sinkProgress.count == 1, "no cursor yet: everything is ahead of it")
    }

    @Test func onlyConfiguredSinksKeepTheirProgress() {
        let loaded = SinkProgress(["archive": ["a": at(0)], "old-name": ["a": at(0)], "empty": [:]])
        #expect(loaded.acknowledged.keys.sorted() == ["archive", "old-name"])
        let kept = loaded.restricted(to: ["archive", "new-sink"])
        #expect(kept == SinkProgress(["archive": ["a": at(0)]]))
        #expect(kept.contains(sink: "archive", id: "a"))
        #expect(!kept.contains(sink: "new-sink", id: "a"), "a new sink gets everything after the cursor")
    }

    @Test func aNameGivenToSeveralSinksIdentifiesNone() throws {
        let loaded = SinkProgress(["twin": ["a": at(0)], "archive": ["a": at(0)]])
        #expect(loaded.restricted(to: ["twin", "twin", "archive"]) == SinkProgress(["archive": ["a": at(0)]]))
        var tracker = AcknowledgementTracker(sinkCount: 3)
        try tracker.register(page(1, ["a"], first: 0))
        for sink in 0..<3 { try tracker.acknowledge(sink: sink, batch: 1, event: 0) }
        #expect(tracker.progress(sinkNames: ["twin", "archive", "twin"]).acknowledged.keys.sorted() == ["archive"])
    }

    @Test func mergingIsAUnion() {
        let carried = SinkProgress(["archive": ["a": at(0)]])
        let live = SinkProgress(["archive": ["b": at(1)], "siem": ["a": at(0)]])
        #expect(
            carried.merging(live) == SinkProgress(["archive": ["a": at(0), "b": at(1)], "siem": ["a": at(0)]])
        )
    }

    @Test func theCodecRoundTripsPerSinkProgress() throws {
        let state = CheckpointState(
            start: start,
            cursor: "c",
            cursorCreatedAt: at(5),
            delivered: ["c": at(5)],
            updatedAt: at(6),
            sinkProgress: SinkProgress(["archive": ["d": at(7), "e": at(8)], "siem \"quoted\"": ["d": at(7)]])
        )
        let bytes = CheckpointCodec.encode(state)
        #expect(try CheckpointCodec.decode(bytes) == state)
        #expect(CheckpointCodec.encode(try CheckpointCodec.decode(bytes)) == bytes, "stable bytes")
    }

    @Test func checkpointsWithoutPerSinkProgressReadAndWriteAsBefore() throws {
        // Written by the release before per-sink resume (no "sinks" member).
        let payload = #"{"start":"2026-09-21T13:46:40Z","cursor":"c","delivered":[["c","2026-09-21T13:46:45Z"]]}"#
        let header =
            #"{"format":"compliance-forwarder/checkpoint","version":1,"crc32":""#
            + hex(CRC32.checksum(Array(payload.utf8))) + #"","bytes":\#(payload.utf8.count)}"#
        let old = try CheckpointCodec.decode(Array((header + "\n" + payload + "\n").utf8))
        #expect(old.cursor == "c")
        #expect(old.sinkProgress.isEmpty)
        // Without progress the file is what that release wrote: nothing new for it to meet.
        #expect(!String(decoding: CheckpointCodec.encode(old), as: UTF8.self).contains("sinks"))
    }

    @Test func malformedPerSinkProgressIsCorruption() {
        for sinks in [#""sinks":[]"#, #""sinks":{"archive":[["d"]]}"#, #""sinks":{"archive":[["d","not a time"]]}"#] {
            let payload = #"{"start":"2026-09-21T13:46:40Z","delivered":[],"# + sinks + "}"
            let header =
                #"{"format":"compliance-forwarder/checkpoint","version":1,"crc32":""#
                + hex(CRC32.checksum(Array(payload.utf8))) + #"","bytes":\#(payload.utf8.count)}"#
            #expect(throws: CheckpointCorruption.self, "\(sinks)") {
                try CheckpointCodec.decode(Array((header + "\n" + payload + "\n").utf8))
            }
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
