import ComplianceAPI
import Testing

@testable import ForwarderCore

/// The per-record SHA-256 in the line formats: ECS `event.hash`, CEF `cs6` `recordSha256`.
@Suite struct RecordHashEncodingTests {
    /// SHA-256("abc"), FIPS 180-2's test vector.
    static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    func context(_ hash: RecordHash?) -> ActivityEncodingContext {
        ActivityEncodingContext(readTime: RFC3339Timestamp(secondsSinceEpoch: 1_714_567_000), recordHash: hash)
    }

    @Test func hexRoundTripsAndRejectsWhatIsNotADigest() throws {
        let hash = try #require(RecordHash(hex: Array(Self.abc.utf8)))
        #expect(hash.hex == Self.abc)
        #expect(hash.bytes.count == 32)
        #expect(RecordHash(hex: Array(Self.abc.uppercased().utf8)) == hash)
        #expect(RecordHash(hex: Array(Self.abc.dropLast().utf8)) == nil)
        #expect(RecordHash(hex: Array((Self.abc.dropLast() + "g").utf8)) == nil)
    }

    @Test func ecsCarriesTheHashInEventHash() throws {
        let hash = try #require(RecordHash(hex: Array(Self.abc.utf8)))
        var bytes: [UInt8] = []
        ActivityEncoder(format: .ecs).append(try Fixtures.a1(), context: context(hash), into: &bytes)
        let event = try JSONParser.parse(bytes).objectValue?["event"]?.objectValue
        #expect(event?.string("hash") == Self.abc)
        bytes.removeAll()
        ActivityEncoder(format: .ecs).append(try Fixtures.a1(), context: context(nil), into: &bytes)
        #expect(try JSONParser.parse(bytes).objectValue?["event"]?.objectValue?["hash"] == nil)
    }

    @Test func cefCarriesTheHashInCs6UnlessALongIDNeedsIt() throws {
        let hash = try #require(RecordHash(hex: Array(Self.abc.utf8)))
        var bytes: [UInt8] = []
        ActivityEncoder(format: .cef).append(try Fixtures.a1(), context: context(hash), into: &bytes)
        let record = try StrictCEFParser.parse(String(decoding: bytes, as: UTF8.self))
        #expect(
            record.extensions.suffix(2)
                == [.init(key: "cs6Label", value: "recordSha256"), .init(key: "cs6", value: Self.abc)]
        )

        let id = "activity_" + String(repeating: "x", count: 60)
        let long = try Fixtures.activity(#"{"id":"\#(id)","created_at":"2024-05-01T12:34:56Z","type":"x","actor":{}}"#)
        bytes.removeAll()
        ActivityEncoder(format: .cef).append(long, context: context(hash), into: &bytes)
        let longRecord = try StrictCEFParser.parse(String(decoding: bytes, as: UTF8.self))
        #expect(longRecord.extensions.contains(.init(key: "cs6Label", value: "activityId")))
        #expect(!longRecord.extensions.contains(.init(key: "cs6", value: Self.abc)))
    }
}
