import ComplianceAPI
import Testing

@testable import ForwarderCore

@Suite struct ByteScanTests {
    @Test func findsAByteAtEveryPositionAndNoOther() {
        let targets: [UInt8] = [0x5C, 0x3D, 0x0A, 0x0D]
        // Every length around the 8-byte word boundary, the target at every position, and bytes
        // one above and below each target (the classic bit trick must not flag neighbours).
        for length in 0...20 {
            let filler = [UInt8](repeating: 0x41, count: length)
            #expect(!filler.withUnsafeBufferPointer { ByteScan.contains($0, anyOf: 0x5C, 0x3D, 0x0A, 0x0D) })
            for position in 0..<length {
                for target in targets {
                    var bytes = filler
                    bytes[position] = target
                    #expect(bytes.withUnsafeBufferPointer { ByteScan.contains($0, anyOf: 0x5C, 0x3D, 0x0A, 0x0D) })
                    for neighbour in [target &- 1, target &+ 1] where !targets.contains(neighbour) {
                        bytes[position] = neighbour
                        #expect(!bytes.withUnsafeBufferPointer { ByteScan.contains($0, anyOf: 0x5C, 0x3D, 0x0A, 0x0D) })
                    }
                }
            }
        }
    }

    @Test func agreesWithAByteLoopOnRandomInput() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let expected = bytes.contains { $0 == 0x22 || $0 == 0x5C || $0 == 0x5D || $0 == 0x80 }
            #expect(bytes.withUnsafeBufferPointer { ByteScan.contains($0, anyOf: 0x22, 0x5C, 0x5D, 0x80) } == expected)
        }
    }
}

@Suite struct ByteFormattingTests {
    @Test func rfc3339MatchesTheTimestampsOwnFormatting() {
        var generator = SystemRandomNumberGenerator()
        // Every year from 0001 to 9999, and the ends of that range.
        let bounds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799
        let samples =
            (0..<3000).map { _ in Int64.random(in: bounds, using: &generator) } + [
                bounds.lowerBound, bounds.upperBound, 0,
            ]
        for seconds in samples {
            let nanoseconds = Int32.random(in: 0..<1_000_000_000, using: &generator)
            let timestamp = RFC3339Timestamp(secondsSinceEpoch: seconds, nanoseconds: nanoseconds)
            for digits in [0, 3, 6, 9] {
                var bytes: [UInt8] = []
                ByteFormatting.appendRFC3339(timestamp, fraction: .exactly(digits), into: &bytes)
                #expect(String(decoding: bytes, as: UTF8.self) == timestamp.formatted(fractionDigits: digits))
            }
        }
        var whole: [UInt8] = []
        ByteFormatting.appendRFC3339(
            RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000),
            fraction: .upTo(6),
            into: &whole
        )
        #expect(String(decoding: whole, as: UTF8.self) == "2026-09-21T14:13:20Z")
        var trimmed: [UInt8] = []
        let withMillis = RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000, nanoseconds: 120_000_000)
        ByteFormatting.appendRFC3339(withMillis, fraction: .upTo(6), into: &trimmed)
        #expect(String(decoding: trimmed, as: UTF8.self) == "2026-09-21T14:13:20.12Z")
    }
}
