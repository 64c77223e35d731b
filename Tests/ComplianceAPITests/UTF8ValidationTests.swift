import Testing

@testable import ComplianceAPI

/// The validator that lets a record's text stay a slice of the response body must accept exactly
/// what the standard library accepts as UTF-8.
@Suite struct UTF8ValidationTests {
    static func agrees(_ bytes: [UInt8]) -> Bool {
        let ours = bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
        return ours == (String(validating: bytes, as: UTF8.self) != nil)
    }

    @Test func everyOneAndTwoByteSequence() {
        var disagreements: [[UInt8]] = []
        for first in UInt8.min...UInt8.max {
            if !Self.agrees([first]) { disagreements.append([first]) }
            for second in UInt8.min...UInt8.max where !Self.agrees([first, second]) {
                disagreements.append([first, second])
            }
        }
        #expect(disagreements.isEmpty, "first: \(disagreements.prefix(5))")
    }

    /// Every lead byte from 0xC0 with the continuation bytes at the edges of each rule's ranges,
    /// at every position relative to the eight-byte ASCII skip.
    @Test func threeAndFourByteSequencesAtTheEdges() {
        let edges: [UInt8] = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        var disagreements: [[UInt8]] = []
        for padding in 0..<9 {
            let prefix = [UInt8](repeating: UInt8(ascii: "a"), count: padding)
            for lead in UInt8(0xC0)...UInt8(0xFF) {
                for second in edges {
                    for third in edges {
                        let three = prefix + [lead, second, third]
                        if !Self.agrees(three) { disagreements.append(three) }
                        for fourth in edges where !Self.agrees(three + [fourth]) {
                            disagreements.append(three + [fourth])
                        }
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "first: \(disagreements.prefix(5))")
    }

    @Test func randomlyDamagedTextAgrees() {
        var generator = SystemRandomNumberGenerator()
        let text = Array(#"{"id":"activity_01","actor":{"email_address":"zoë@例え.jp","note":"€ 😀 \u{10FFFF}"}}"#.utf8)
        var disagreements: [[UInt8]] = []
        for _ in 0..<20_000 {
            var bytes = text
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8.random(in: 0x80...0xFF, using: &generator), at: index)
                }
            }
            if !Self.agrees(bytes) { disagreements.append(bytes) }
        }
        #expect(disagreements.isEmpty, "first: \(disagreements.prefix(3))")
        #expect(Self.agrees(text))
    }
}
