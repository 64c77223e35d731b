import ComplianceAPI
import ForwarderCore
import Testing

@testable import Forwarder

/// Object keys come from the segment alone (its spool name and its manifest's first and last
/// ids and digest), so uploading the same segment again always targets the same key, and a
/// different segment never does.
@Suite struct S3ObjectKeyTests {
    static let prefix = ForwarderConfiguration.S3Sink.KeyPrefix.standard
    static let digest = "0123456789abcdef" + String(repeating: "0", count: 48)

    @Test func theKeyNamesTheSinkTheOpeningDayAndTheFirstAndLastActivity() {
        let key = S3ObjectKey.make(
            prefix: Self.prefix,
            sink: "vault",
            segment: "segment-20261207T235959Z-000042.ndjson.gz",
            first: "activity_01AAA",
            last: "activity_01ZZZ",
            sha256: Self.digest
        )
        #expect(key == "vault/2026/12/07/vault_activity_01AAA_activity_01ZZZ_0123456789abcdef.ndjson.gz")
        // The same segment, whenever it is uploaded: the same key.
        let again = S3ObjectKey.make(
            prefix: Self.prefix,
            sink: "vault",
            segment: "segment-20261207T235959Z-000042.ndjson.gz",
            first: "activity_01AAA",
            last: "activity_01ZZZ",
            sha256: Self.digest
        )
        #expect(again == key)
        // Another segment starting and ending on the same activities (re-delivered after a
        // crash, other bytes): another key, so neither hides the other.
        let other = S3ObjectKey.make(
            prefix: Self.prefix,
            sink: "vault",
            segment: "segment-20261207T235959Z-000043.ndjson.gz",
            first: "activity_01AAA",
            last: "activity_01ZZZ",
            sha256: "fedcba9876543210" + String(repeating: "0", count: 48)
        )
        #expect(other != nil && other != key)
    }

    @Test func cefSegmentsKeepTheirExtensionAndHourPlaceholdersUseTheOpeningTime() throws {
        let prefix = try ForwarderConfiguration.S3Sink.KeyPrefix.parse("a/{year}{month}{day}/{hour}/").get()
        let key = S3ObjectKey.make(
            prefix: prefix,
            sink: "siem",
            segment: "segment-20260102T030405Z-000001.cef.gz",
            first: "x",
            last: "y",
            sha256: "abc"
        )
        #expect(key == "a/20260102/03/siem_x_y_abc.cef.gz")
    }

    @Test func unusualIDsAreMadeSafeAndMissingOnesLeaveTheDigest() {
        #expect(S3ObjectKey.safe("act/../évil id") == "act-----vil-id")
        let key = S3ObjectKey.make(
            prefix: Self.prefix,
            sink: "vault",
            segment: "segment-20261207T000000Z-000001.ndjson.gz",
            first: nil,
            last: nil,
            sha256: "0123abcd"
        )
        #expect(key == "vault/2026/12/07/vault_0123abcd.ndjson.gz")
    }

    @Test func namesThatAreNotSpoolSegmentsHaveNoKey() {
        for name in ["segment-2026-000001.ndjson.gz", "other.gz", "segment-20261207T000000-000001.ndjson.gz"] {
            #expect(
                S3ObjectKey.make(prefix: Self.prefix, sink: "v", segment: name, first: "a", last: "b", sha256: "")
                    == nil,
                "\(name)"
            )
        }
    }
}
