/// Word-at-a-time byte search.
///
/// Escaping looks at every byte of every value, and almost none needs escaping: a byte-by-byte
/// check was the largest item in the instruction profile of the TLS path. Sixteen bytes are compared
/// at once with SIMD, a remaining eight with the classic "has a zero byte" test (exact for whether a
/// byte matches), the rest one by one.
enum ByteScan {
    /// Whether `bytes` contains `a`, `b`, `c` or `d`.
    @inline(__always)
    static func contains(
        _ bytes: UnsafeBufferPointer<UInt8>,
        anyOf a: UInt8,
        _ b: UInt8,
        _ c: UInt8,
        _ d: UInt8
    )
        -> Bool
    {
        var index = 0
        if let base = bytes.baseAddress {
            let (va, vb, vc, vd) = (
                SIMD16<UInt8>(repeating: a), SIMD16<UInt8>(repeating: b), SIMD16<UInt8>(repeating: c),
                SIMD16<UInt8>(repeating: d)
            )
            while index + 16 <= bytes.count {
                let block = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
                if any((block .== va) .| (block .== vb) .| (block .== vc) .| (block .== vd)) { return true }
                index += 16
            }
            #if _endian(little)
            if index + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if hasByte(word, a) || hasByte(word, b) || hasByte(word, c) || hasByte(word, d) { return true }
                index += 8
            }
            #endif
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == a || byte == b || byte == c || byte == d { return true }
            index += 1
        }
        return false
    }

    @inline(__always)
    private static func hasByte(_ word: UInt64, _ value: UInt8) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let x = word ^ (ones &* UInt64(value))
        return (x &- ones) & ~x & highs != 0
    }
}
