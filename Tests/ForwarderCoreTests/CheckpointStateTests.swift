import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@Suite struct CheckpointStateTests {
    let start = RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000)

    @Test func advancesOnCursorBatchesAndRemembersOverlapIDs() {
        var state = CheckpointState(start: start)
        let now = start.adding(.seconds(100))
        state.apply(
            BatchRecord(
                sequence: 1,
                eventCount: 2,
                resume: ResumePoint(id: "a2", createdAt: start.adding(.seconds(2))),
                ids: [("a1", start.adding(.seconds(1))), ("a2", start.adding(.seconds(2)))]
            ),
            now: now
        )
        state.apply(BatchRecord(sequence: 2, eventCount: 1, resume: nil, ids: [("late", start)]), now: now)
        #expect(state.cursor == "a2")
        #expect(state.cursorCreatedAt == start.adding(.seconds(2)))
        #expect(Set(state.delivered.keys) == ["a1", "a2", "late"])
        state.prune(olderThan: start.adding(.seconds(1)))
        #expect(Set(state.delivered.keys) == ["a1", "a2"])
    }

    @Test func codecRoundTripsAndDetectsEveryKindOfDamage() throws {
        var state = CheckpointState(
            start: start,
            cursor: "activity_01x",
            cursorCreatedAt: start.adding(.milliseconds(1500))
        )
        state.delivered = ["activity_01a": start, "id \"quoted\"": start.adding(.nanoseconds(1))]
        state.updatedAt = start.adding(.seconds(9))
        let bytes = CheckpointCodec.encode(state)
        #expect(try CheckpointCodec.decode(bytes) == state)

        var flipped = bytes
        flipped[flipped.count - 5] ^= 0x01
        #expect(throws: CheckpointCorruption.self) { try CheckpointCodec.decode(flipped) }
        #expect(throws: CheckpointCorruption.self) { try CheckpointCodec.decode(Array(bytes.prefix(bytes.count - 20))) }
        #expect(throws: CheckpointCorruption.self) { try CheckpointCodec.decode([]) }
        #expect(throws: CheckpointCorruption.self) {
            try CheckpointCodec.decode(Array("{\"format\":\"other\"}\n{}".utf8))
        }
        let future = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
            of: "\"version\":1",
            with: "\"version\":2"
        )
        #expect {
            try CheckpointCodec.decode(Array(future.utf8))
        } throws: { error in
            (error as? CheckpointCorruption)?.reason.contains("version 2 is not supported") == true
        }
    }

    @Test func crc32MatchesTheGzipTestVector() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
