import ComplianceAPI
import Testing

@Suite struct RFC3339TimestampTests {
    @Test(arguments: [
        ("2024-05-01T12:34:56Z", 1_714_566_896_000 as Int64),
        ("2024-05-01T12:34:56.789Z", 1_714_566_896_789),
        ("2024-05-01T14:34:56.789999+02:00", 1_714_566_896_789),
        ("2024-05-01T12:34:56.789123456789Z", 1_714_566_896_789),
        ("2024-05-01t12:34:56.7z", 1_714_566_896_700),
        ("2024-05-01T07:34:56.789-05:00", 1_714_566_896_789),
        ("1969-12-31T23:59:59.5Z", -500),
    ])
    func parsesAnyPrecisionAndOffset(_ text: String, _ milliseconds: Int64) throws {
        let time = try #require(RFC3339Timestamp(text))
        #expect(time.millisecondsSinceEpoch == milliseconds)
    }

    @Test(arguments: [
        "2024-05-01", "2024-05-01T12:34:56", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
        "2024-05-01T24:00:00Z", "2024-05-01T12:34:56.Z", "2024-05-01T12:34:56+2:00", "garbage", "",
    ])
    func rejectsInvalidText(_ text: String) {
        #expect(RFC3339Timestamp(text) == nil)
    }

    @Test func formatsUTCWithTruncatedFraction() throws {
        let time = try #require(RFC3339Timestamp("2024-05-01T14:34:56.789999+02:00"))
        #expect(time.formatted(fractionDigits: 3) == "2024-05-01T12:34:56.789Z")
        #expect(time.formatted(fractionDigits: 6) == "2024-05-01T12:34:56.789999Z")
        #expect(time.formatted(fractionDigits: 0) == "2024-05-01T12:34:56Z")
        #expect(time.wireText == "2024-05-01T12:34:56.789999Z")
        #expect(RFC3339Timestamp("2000-02-29T00:00:00Z")?.formatted(fractionDigits: 0) == "2000-02-29T00:00:00Z")
    }
}
