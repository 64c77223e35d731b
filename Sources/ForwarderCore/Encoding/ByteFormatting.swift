import ComplianceAPI

/// Allocation-free text for the hot path: every encoded event writes a timestamp and a few integers,
/// and `String(describing:)`/`DateFormatter` would dominate the encoders' cost.
public enum ByteFormatting {
    /// Appends `value` in decimal.
    static func appendDecimal(_ value: Int64, into buffer: inout [UInt8]) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            // Int64.min has no positive counterpart; go through the magnitude.
            appendDecimal(value.magnitude, into: &buffer)
        } else {
            appendDecimal(UInt64(value), into: &buffer)
        }
    }

    static func appendDecimal(_ value: UInt64, into buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var start = 20
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            // Written from the end, so the digits are in order and go in with one append.
            while rest > 0 {
                start -= 1
                raw[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<20]))
        }
    }

    /// Appends `value` zero-padded to `width` digits (non-negative values only).
    static func appendPadded(_ value: Int64, width: Int, into buffer: inout [UInt8]) {
        let rest = max(value, 0)
        if width == 2, rest < 100 {
            buffer.append(UInt8(ascii: "0") + UInt8(rest / 10))
            buffer.append(UInt8(ascii: "0") + UInt8(rest % 10))
            return
        }
        let width = min(max(width, 1), 18)
        var divisor = powersOfTen[width - 1]
        if rest >= divisor * 10 {
            appendDecimal(rest, into: &buffer)
            return
        }
        var remainder = rest
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(remainder / divisor))
            remainder %= divisor
            divisor /= 10
        }
    }

    private static let powersOfTen: [Int64] = (0..<18).map { exponent in
        (0..<exponent).reduce(1) { product, _ in product * 10 }
    }

    /// How many fraction digits to print: ``FractionDigits/exactly(_:)`` or
    /// ``FractionDigits/upTo(_:)`` (trailing zeros dropped, none for a whole second).
    public enum FractionDigits: Sendable {
        case exactly(Int)
        case upTo(Int)
    }

    /// Appends `2024-05-01T12:34:56.789Z` (UTC, uppercase `T`/`Z`, fraction truncated, never rounded).
    public static func appendRFC3339(
        _ timestamp: RFC3339Timestamp,
        fraction: FractionDigits,
        into buffer: inout [UInt8]
    ) {
        let c = timestamp.utcComponents
        var digits: Int
        var value = Int64(timestamp.nanoseconds)
        switch fraction {
        case .exactly(let count):
            digits = min(max(count, 0), 9)
            for _ in digits..<9 { value /= 10 }
        case .upTo(let count):
            digits = min(max(count, 0), 9)
            for _ in digits..<9 { value /= 10 }
            while digits > 0, value % 10 == 0 {
                value /= 10
                digits -= 1
            }
        }
        // As `appendPadded` does: a negative year prints as 0000, one past 9999 in full.
        let year = max(c.year, 0)
        var yearWidth = 4
        var rest = year / 10_000
        while rest > 0 {
            yearWidth += 1
            rest /= 10
        }
        // At most 45 bytes, built on the stack and appended once: a dozen appends of one or two
        // bytes each cost more than the date arithmetic.
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { raw in
            var end = 0
            func put(_ number: Int64, width: Int) {
                var rest = number
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    raw[end + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                end += width
            }
            func put(_ byte: UInt8) {
                raw[end] = byte
                end += 1
            }
            put(year, width: yearWidth)
            put(UInt8(ascii: "-"))
            put(c.month, width: 2)
            put(UInt8(ascii: "-"))
            put(c.day, width: 2)
            put(UInt8(ascii: "T"))
            put(c.hour, width: 2)
            put(UInt8(ascii: ":"))
            put(c.minute, width: 2)
            put(UInt8(ascii: ":"))
            put(c.second, width: 2)
            if digits > 0 {
                put(UInt8(ascii: "."))
                put(value, width: digits)
            }
            put(UInt8(ascii: "Z"))
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<end]))
        }
    }

    static func appendTime(_ hour: Int64, _ minute: Int64, _ second: Int64, into buffer: inout [UInt8]) {
        appendPadded(hour, width: 2, into: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendPadded(minute, width: 2, into: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendPadded(second, width: 2, into: &buffer)
    }
}

extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes straight from the binary (no `String` walk).
    @inline(__always)
    mutating func appendStatic(_ text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
