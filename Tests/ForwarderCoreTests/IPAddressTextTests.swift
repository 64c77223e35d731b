import Testing

@testable import ForwarderCore

@Suite("IP address recognition")
struct IPAddressTextTests {
    @Test("known cases")
    func knownCases() {
        let v4 = ["0.0.0.0", "203.0.113.7", "255.255.255.255"]
        let v6 = [
            "::", "::1", "2001:db8::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::ffff:192.0.2.33", "FE80::A",
        ]
        let invalid = [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "fe80::1%eth0", ":1", "1:", "1:::2",
            "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "unknown", "::1.2.3", "g::1",
        ]
        for text in v4 { #expect(IPAddressText.kind(of: text) == .v4, "\(text)") }
        for text in v6 { #expect(IPAddressText.kind(of: text) == .v6, "\(text)") }
        for text in invalid { #expect(IPAddressText.kind(of: text) == nil, "\(text)") }
    }

    @Test("agrees with the C library's inet_pton on random text")
    func agreesWithInetPton() {
        var generator = SeededGenerator(seed: 6)
        let alphabet = Array("0123456789abcdefABCDEF:.")
        for _ in 0..<50_000 {
            let length = Int.random(in: 0...20, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "0" })
            #expect((IPAddressText.kind(of: text) != nil) == TestIP.isValid(text), "\(text)")
        }
        let structured = ["::", "1:2", "::ffff:", "0.0.0.", "fe80::", "2001:db8:", "1.2.3.4", "::1.2.3.4", ":"]
        for _ in 0..<50_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...5, using: &generator) {
                text += structured.randomElement(using: &generator) ?? ""
            }
            #expect((IPAddressText.kind(of: text) != nil) == TestIP.isValid(text), "\(text)")
        }
    }
}
