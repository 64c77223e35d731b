/// Parses a `Retry-After` header (RFC 9110 §10.2.3): a whole number of seconds, or an HTTP date
/// in any of the three forms recipients must accept (IMF-fixdate, RFC 850, asctime). The one
/// parser for the API client and the HTTP sinks.
///
/// Callers use the result as a floor for their own backoff (``RetryPolicy/delay(retry:retryAfter:using:)``),
/// never as the only wait: a server asking for 0 s during an outage still gets the exponential backoff.
package enum RetryAfter {
    /// A server (or a proxy in front of it) asking for more than this is treated as asking for
    /// this: a typo'd header must not park a sink for days.
    package static let ceiling: Duration = .seconds(900)

    /// The wait the header asks for, relative to `now`; `nil` when the value is not understood.
    /// A date in the past gives zero.
    package static func parse(_ value: String, now: RFC3339Timestamp) -> Duration? {
        let text = value.trimmedWhitespace
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Digits only: seconds. Anything absurdly long saturates at the ceiling.
            guard text.utf8.count <= 9, let seconds = Int64(text) else { return ceiling }
            return min(.seconds(seconds), ceiling)
        }
        guard let date = httpDate(text) else { return nil }
        let seconds = date - now.secondsSinceEpoch
        return seconds <= 0 ? .zero : min(.seconds(seconds), ceiling)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Seconds since the epoch for an HTTP date, or `nil`.
    package static func httpDate(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        if parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" {
            return timestamp(day: parts[1], month: parts[2], year: parts[3], clock: parts[4])
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        if parts.count == 4, parts[0].hasSuffix(","), parts[3] == "GMT" {
            let date = parts[1].split(separator: "-")
            guard date.count == 3, date[2].count == 2, let shortYear = Int64(date[2]) else { return nil }
            // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
            let year = shortYear < 70 ? 2000 + shortYear : 1900 + shortYear
            return timestamp(day: date[0], month: date[1], year: Substring(String(year)), clock: parts[2])
        }
        // asctime: Sun Nov  6 08:49:37 1994
        if parts.count == 5 {
            return timestamp(day: parts[2], month: parts[1], year: parts[4], clock: parts[3])
        }
        return nil
    }

    private static func timestamp(day: Substring, month: Substring, year: Substring, clock: Substring) -> Int64? {
        guard let day = Int64(day), (1...31).contains(day), let year = Int64(year), (1970...9999).contains(year),
            let monthIndex = months.firstIndex(where: { $0 == month })
        else { return nil }
        let fields = clock.split(separator: ":")
        guard fields.count == 3, let hour = Int64(fields[0]), let minute = Int64(fields[1]),
            let second = Int64(fields[2]), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = RFC3339Timestamp.daysSinceEpoch(year: year, month: Int64(monthIndex + 1), day: day)
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }
}
