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
