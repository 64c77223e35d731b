extension ConfigurationSyntax {
    private static let durationUnits: [(name: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]

    /// Parses a duration: one or more `<number><unit>` terms, units `ns us ms s m h d`
    /// (`500ms`, `30s`, `10m`, `1h30m`, `1.5h`, `7d`); `0` alone is zero. `nil` when invalid.
    public static func duration(_ text: String) -> Duration? {
        try? parseDuration(text).get()
    }

    static func parseDuration(_ text: String) -> Result<Duration, Issue> {
        let trimmed = String(text.trimmingWhitespace().filter { $0 != " " })
        let expected = "expected a duration such as 500ms, 30s, 10m, 1h30m or 7d"
        if trimmed == "0" { return .success(.zero) }
        if trimmed.hasPrefix("-") { return .failure(Issue("must not be negative")) }
        guard let terms = terms(trimmed) else { return .failure(Issue(expected)) }
        var total: Int64 = 0
        for term in terms {
            if term.unit.isEmpty {
                return .failure(Issue("missing unit; \(expected)"))
            }
            guard let unit = durationUnits.first(where: { $0.name == term.unit }) else {
                return .failure(Issue("unknown unit '\(term.unit)'; units are ns, us, ms, s, m, h, d"))
            }
            guard let nanoseconds = scaled(whole: term.whole, fraction: term.fraction, by: unit.nanoseconds) else {
                return .failure(Issue("is too large"))
            }
            let sum = total.addingReportingOverflow(nanoseconds)
            guard !sum.overflow else { return .failure(Issue("is too large")) }
            total = sum.partialValue
        }
        return .success(.nanoseconds(total))
    }

    /// The shortest exact spelling: `1h30m`, `500ms`, `0s`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var remaining = seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
        if remaining == 0 { return "0s" }
        var text = remaining < 0 ? "-" : ""
        remaining = remaining.magnitude > Int64.max.magnitude ? Int64.max : abs(remaining)
        for unit in durationUnits.reversed() where unit.name != "µs" && remaining >= unit.nanoseconds {
            text += "\(remaining / unit.nanoseconds)\(unit.name)"
            remaining %= unit.nanoseconds
        }
        return text
    }
}
