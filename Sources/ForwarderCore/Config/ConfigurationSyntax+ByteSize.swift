extension ConfigurationSyntax {
    private static let sizeUnits: [(name: String, bytes: Int64)] = [
        ("b", 1), ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("tib", 1 << 40),
    ]

    /// Parses a byte size: a number and an optional unit, `B KB MB GB TB` (powers of 1000) or
    /// `KiB MiB GiB TiB` (powers of 1024), case-insensitive (`512`, `64KiB`, `10MB`, `1.5GiB`).
    /// `nil` when invalid.
    public static func byteSize(_ text: String) -> Int? {
        try? parseByteSize(text).get()
    }

    static func parseByteSize(_ text: String) -> Result<Int, Issue> {
        let trimmed = text.trimmingWhitespace().replacingSpaces()
        let expected = "expected a size such as 512, 64KiB, 64MiB, 1GiB or 10MB"
        if trimmed.hasPrefix("-") { return .failure(Issue("must not be negative")) }
        guard let terms = terms(trimmed), terms.count == 1, let term = terms.first else {
            return .failure(Issue(expected))
        }
        let unitName = term.unit.lowercased()
        guard let unit = unitName.isEmpty ? (name: "", bytes: 1) : sizeUnits.first(where: { $0.name == unitName })
        else {
            return .failure(Issue("unknown unit '\(term.unit)'; units are B, KB, MB, GB, TB, KiB, MiB, GiB, TiB"))
        }
        guard let bytes = scaled(whole: term.whole, fraction: term.fraction, by: unit.bytes), bytes <= Int.max else {
            return .failure(Issue("is too large"))
        }
        return .success(Int(bytes))
    }

    /// The shortest exact spelling, binary units first: `64MiB`, `10MB`, `512B`.
    public static func format(bytes: Int) -> String {
        guard bytes > 0 else { return "\(bytes)B" }
        for (name, unit) in [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes % unit == 0 {
            return "\(bytes / unit)\(name)"
        }
        for (name, unit) in [("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000)]
        where bytes % unit == 0 {
            return "\(bytes / unit)\(name)"
        }
        return "\(bytes)B"
    }
}

extension String {
    /// `64 MiB` → `64MiB`: a space between number and unit is a common way to write sizes.
    fileprivate func replacingSpaces() -> String {
        String(filter { $0 != " " })
    }
}
