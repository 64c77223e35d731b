import Foundation

/// An instant read from an RFC 3339 date-time, exact to the nanosecond, with its original text.
///
/// The API documents whole seconds with `Z`, but records may carry any fraction and any offset;
/// `Date` would round sub-microsecond digits, and SIEM formats need exact truncation (CEF `rt` in
/// milliseconds, RFC 5424 at most six digits), so the instant is kept as integers.
public struct RFC3339Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64
    /// Nanoseconds within the second, `0..<1_000_000_000`.
    public var nanoseconds: Int32

    public init(secondsSinceEpoch: Int64, nanoseconds: Int32 = 0) {
        self.secondsSinceEpoch = secondsSinceEpoch
        self.nanoseconds = nanoseconds
    }

    /// Parses an RFC 3339 `date-time` (`T` or `t` or space separator, `Z`/`z` or `±hh:mm`, any
    /// number of fraction digits; digits beyond nanoseconds are truncated). Returns `nil` when the
    /// text is not one.
    public init?(_ text: some StringProtocol) {
        // Native strings expose their UTF-8 in place: no copy on the decoding hot path.
        let parsed =
            text.utf8.withContiguousStorageIfAvailable { Self.parse($0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { Self.parse($0) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// Parses an RFC 3339 `date-time` from its UTF-8 bytes (see ``init(_:)``).
    public init?(utf8: UnsafeBufferPointer<UInt8>) {
        guard let parsed = Self.parse(utf8) else { return nil }
        self = parsed
    }

    /// Creates a timestamp from a `Date` (microsecond precision is what `Date` carries reliably).
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var micros = ((interval - seconds) * 1_000_000).rounded()
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        self.init(secondsSinceEpoch: Int64(seconds), nanoseconds: Int32(micros) * 1000)
    }

    /// The current time.
    public static var now: RFC3339Timestamp { RFC3339Timestamp(Date()) }

    /// Nanoseconds since the epoch (valid until the year 2262).
    public var nanosecondsSinceEpoch: Int64 {
        secondsSinceEpoch &* 1_000_000_000 &+ Int64(nanoseconds)
    }

    /// Creates a timestamp from nanoseconds since the epoch.
    public init(nanosecondsSinceEpoch value: Int64) {
        var seconds = value / 1_000_000_000
        var nanos = value % 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        }
        self.init(secondsSinceEpoch: seconds, nanoseconds: Int32(nanos))
    }

    /// Milliseconds since the epoch, truncated (CEF `rt`).
    public var millisecondsSinceEpoch: Int64 {
        secondsSinceEpoch * 1000 + Int64(nanoseconds / 1_000_000)
    }

    public var date: Date {
        Date(timeIntervalSince1970: Double(secondsSinceEpoch) + Double(nanoseconds) / 1e9)
    }

    /// Adds a duration.
    public func adding(_ duration: Duration) -> RFC3339Timestamp {
        let (seconds, attoseconds) = duration.components
        return RFC3339Timestamp(
            nanosecondsSinceEpoch: nanosecondsSinceEpoch &+ seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
        )
    }

    /// The duration from `other` to `self`.
    public func duration(since other: RFC3339Timestamp) -> Duration {
        .nanoseconds(nanosecondsSinceEpoch &- other.nanosecondsSinceEpoch)
    }

    public static func < (lhs: RFC3339Timestamp, rhs: RFC3339Timestamp) -> Bool {
        (lhs.secondsSinceEpoch, lhs.nanoseconds) < (rhs.secondsSinceEpoch, rhs.nanoseconds)
    }

    /// UTC text with uppercase `T` and `Z` and exactly `fractionDigits` digits (truncated), e.g.
    /// `2024-05-01T12:34:56.789Z`. Zero digits omits the fraction.
    public func formatted(fractionDigits: Int = 3) -> String {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        let secondOfDay = secondsSinceEpoch - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        let digits = min(max(fractionDigits, 0), 9)
        if digits > 0 {
            var divisor: Int32 = 1
            for _ in 0..<(9 - digits) { divisor *= 10 }
            text += "." + pad(Int64(nanoseconds / divisor), digits)
        }
        return text + "Z"
    }

    /// `2024-05-01T12:34:56.789Z`: the form used for ECS `@timestamp` and logs.
    public var description: String { formatted(fractionDigits: 3) }

    /// The calendar fields in UTC: year, month (1–12), day, hour, minute, second.
    public var utcComponents: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        let secondOfDay = secondsSinceEpoch - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    // Runs once per decoded record: no closures over arrays, no variadic arguments (each call of a
    // variadic function allocates its array).
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> RFC3339Timestamp? {
        var index = 0
        @inline(__always) func number(_ count: Int) -> Int64? {
            guard index + count <= b.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<count {
                let digit = b[index] &- UInt8(ascii: "0")
                guard digit <= 9 else { return nil }
                value = value * 10 + Int64(digit)
                index += 1
            }
            return value
        }
        @inline(__always) func take(_ allowed: UInt8) -> Bool {
            guard index < b.count, b[index] == allowed else { return false }
            index += 1
            return true
        }
        @inline(__always) func takeEither(_ first: UInt8, _ second: UInt8) -> Bool {
            guard index < b.count, b[index] == first || b[index] == second else { return false }
            index += 1
            return true
        }
        guard let year = number(4), take(UInt8(ascii: "-")), let month = number(2), take(UInt8(ascii: "-")),
            let day = number(2)
        else { return nil }
        guard takeEither(UInt8(ascii: "T"), UInt8(ascii: "t")) || take(UInt8(ascii: " ")) else { return nil }
        guard let hour = number(2), take(UInt8(ascii: ":")), let minute = number(2), take(UInt8(ascii: ":")),
            let second = number(2)
        else { return nil }
        guard month >= 1, month <= 12, hour <= 23, minute <= 59, second <= 60 else { return nil }
        guard day >= 1, day <= daysInMonth(month, year: year) else { return nil }
        var nanos: Int64 = 0
        if take(UInt8(ascii: ".")) {
            var digits = 0
            while index < b.count, b[index] >= UInt8(ascii: "0"), b[index] <= UInt8(ascii: "9") {
                if digits < 9 { nanos = nanos * 10 + Int64(b[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 9)..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        if takeEither(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            offset = 0
        } else if index < b.count, b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
            let sign: Int64 = b[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2), take(UInt8(ascii: ":")), let offsetMinutes = number(2),
                offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        // A leap second is folded into the next second: no POSIX clock can represent 60.
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return RFC3339Timestamp(secondsSinceEpoch: seconds - offset, nanoseconds: Int32(nanos))
    }

    private static func daysInMonth(_ month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
