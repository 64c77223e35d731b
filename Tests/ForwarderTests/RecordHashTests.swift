import ComplianceAPI
import Testing

@testable import Forwarder

/// Each event's record hash is the SHA-256 of the record's original bytes, as received.
@Suite struct RecordHashTests {
    @Test func theHashIsOverTheOriginalBytes() throws {
        let text = #"{"id":"activity_1","created_at":"2026-01-01T00:00:00Z","type":"x","actor":{"type":"user"}}"#
        let object = try #require(try JSONParser.parse(text).objectValue)
        let event = Event(index: 0, activity: try Activity(object: object, rawJSON: text))
        #expect(event.recordHash == ArchiveLineReader.read(Array(text.utf8)[...], format: "raw").hash)
        #expect(event.recordHash.hex == ArchiveDigest.hex(Array(text.utf8)))
    }
}
