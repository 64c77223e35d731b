/// The mock's activity ids: `activity_01` followed by a 128-bit number in 22 base58 digits.
///
/// Fixed-width base58 sorts like the number it encodes (the alphabet is in ASCII order), so the
/// store breaks `created_at` ties by comparing integers. The low 64 bits are the record's serial
/// number, which makes a cursor decodable without an index, while the high bits are random so ids
/// are not time-sortable (clients must not assume they are).
struct ActivityID: Hashable, Comparable, Sendable {
    static let prefix = "activity_01"
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    static let digits = 22

    var high: UInt64
    var low: UInt64

    static func < (lhs: ActivityID, rhs: ActivityID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// Appends the id's text.
    func write(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: Self.prefix.utf8)
        // Filled in place from the end: no temporary array per id.
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(Self.alphabet[0], count: Self.digits))
        var high = self.high
        var low = self.low
        var position = Self.digits - 1
        while (high != 0 || low != 0) && position >= 0 {
            // Divide the 128-bit number (high:low) by 58.
            let highQuotient = high / 58
            let highRemainder = high % 58
            let (lowQuotient, remainder) = UInt64(58).dividingFullWidth((high: highRemainder, low: low))
            high = highQuotient
            low = UInt64(lowQuotient)
            bytes[start + position] = Self.alphabet[Int(remainder)]
            position -= 1
        }
    }

    var text: String {
        var bytes: [UInt8] = []
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `activity_01` + 22 base58 digits; `nil` for anything else.
    init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let digits = Array(text.utf8.dropFirst(Self.prefix.utf8.count))
        guard digits.count == Self.digits else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for digit in digits {
            guard let value = Self.alphabet.firstIndex(of: digit) else { return nil }
            // (high:low) = (high:low) * 58 + value, failing on overflow.
            let lowProduct = low.multipliedFullWidth(by: 58)
            let (highProduct, highOverflow) = high.multipliedReportingOverflow(by: 58)
            guard !highOverflow else { return nil }
            let (newHigh, carryOverflow) = highProduct.addingReportingOverflow(lowProduct.high)
            guard !carryOverflow else { return nil }
            let (newLow, addOverflow) = lowProduct.low.addingReportingOverflow(UInt64(value))
            let (finalHigh, finalOverflow) = newHigh.addingReportingOverflow(addOverflow ? 1 : 0)
            guard !finalOverflow else { return nil }
            high = finalHigh
            low = newLow
        }
        self.high = high
        self.low = low
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// SplitMix64: a small, fast, seedable generator, so the same seed always yields the same data.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One well-mixed value from `seed`, without keeping a generator around.
    static func mix(_ seed: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: seed)
        return generator.next()
    }
}
