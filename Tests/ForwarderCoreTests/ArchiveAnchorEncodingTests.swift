import ComplianceAPI
import Foundation
import Testing

@testable import ForwarderCore

/// `archive_segment_sealed` in each line format: an event of its own kind that strict parsers
/// accept, with every field a verifier compares.
@Suite struct ArchiveAnchorEncodingTests {
    static let anchor = ArchiveAnchor(
        sink: "archive",
        segment: "activities-20261207T161500Z-000042.ndjson.gz",
        manifestSHA256: String(repeating: "ab", count: 32),
        segmentSHA256: String(repeating: "cd", count: 32),
        previousManifestSHA256: nil,
        records: 1000,
        firstID: "activity_01",
        lastID: "activity_02",
        sealedAt: "2026-12-07T16:15:00.123Z",
        sealReason: "rotation",
        signature: "c2lnbmF0dXJl+/=",
        keyFingerprint: "SHA256:" + String(repeating: "ef", count: 32)
    )

    func line(_ encoder: ActivityEncoder) -> String {
        var bytes: [UInt8] = []
        encoder.appendAnchor(Self.anchor, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func ecsIsAnEventOfItsOwnKindInTheConfiguredDataset() throws {
        let ecs = ECSEncoder(configuration: .init(dataset: "acme.audit"))
        let text = line(ActivityEncoder(format: .ecs, ecs: ecs))
        let document = try #require(try JSONParser.parse(text).objectValue)
        let event = try #require(document["event"]?.objectValue)
        #expect(event.string("kind") == "event")
        #expect(event.string("action") == "archive_segment_sealed")
        #expect(event.string("dataset") == "acme.audit")
        #expect(event.string("hash") == Self.anchor.manifestSHA256)
        #expect(document.string("@timestamp") == Self.anchor.sealedAt)
        let fields = try #require(document["compliance_forwarder"]?.objectValue?["archive"]?.objectValue)
        #expect(fields.string("manifest_sha256") == Self.anchor.manifestSHA256)
        #expect(fields["previous_manifest_sha256"]?.isNull == true)
        #expect(fields["records"]?.int64Value == 1000)
        #expect(document["claude"] == nil, "nothing in the activities' namespace")
    }

    @Test func cefParsesStrictlyWithTheHashesWhole() throws {
        let record = try StrictCEFParser.parse(line(ActivityEncoder(format: .cef)))
        #expect(record.header[4] == "archive_segment_sealed")
        #expect(record.header[6] == "3")
        let values = Dictionary(record.extensions.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(values["rt"] == RFC3339Timestamp(Self.anchor.sealedAt).map { String($0.millisecondsSinceEpoch) })
        #expect(values["cs1Label"] == "manifestSha256")
        #expect(values["cs1"] == Self.anchor.manifestSHA256)
        #expect(values["cs2"] == nil, "no previous manifest: left out")
        #expect(values["cs6"] == Self.anchor.signature, "base64 '=' escaped on the wire, whole after parsing")
        #expect(values["cnt"] == "1000")
        #expect(values["flexString1"] == "archive")
    }

    @Test func rawIsTheFieldsWithTheirType() throws {
        let object = try #require(try JSONParser.parse(line(ActivityEncoder(format: .raw))).objectValue)
        #expect(object.members.first?.key == "type")
        #expect(object.string("type") == "archive_segment_sealed")
        #expect(object.string("segment") == Self.anchor.segment)
        #expect(object.string("key_fingerprint") == Self.anchor.keyFingerprint)
    }
}
