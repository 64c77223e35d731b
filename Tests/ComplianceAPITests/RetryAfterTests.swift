import Testing

@testable import ComplianceAPI

@Suite struct RetryAfterTests {
    /// 1994-11-06T08:49:37Z, the RFC 9110 example date.
    static let exampleDate: Int64 = 784_111_777
    static let now = RFC3339Timestamp(secondsSinceEpoch: exampleDate - 120)

    @Test(arguments: [
        ("0", Duration.zero),
        ("7", .seconds(7)),
        ("  42 ", .seconds(42)),
        ("120", .seconds(120)),
        ("99999999999999999999", RetryAfter.ceiling),
        ("86400", RetryAfter.ceiling),
    ])
    func seconds(value: String, expected: Duration) {
        #expect(RetryAfter.parse(value, now: Self.now) == expected)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850
        "Sun Nov  6 08:49:37 1994",  // asctime
    ])
    func httpDates(value: String) {
        #expect(RetryAfter.httpDate(value) == Self.exampleDate)
        #expect(RetryAfter.parse(value, now: Self.now) == .seconds(120))
    }

    @Test func dateInThePastMeansNow() {
        let later = RFC3339Timestamp(secondsSinceEpoch: Self.exampleDate + 3600)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: later) == .zero)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"])
    func garbageIsIgnored(value: String) {
        #expect(RetryAfter.parse(value, now: Self.now) == nil)
    }
}
