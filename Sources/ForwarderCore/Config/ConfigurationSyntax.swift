/// The text forms of configuration values that YAML has no type for: durations (`1h30m`) and
/// byte sizes (`64MiB`).
///
/// Public so that command-line options (`--since -7d`, `backfill --chunk 10MiB`) accept exactly
/// what the file accepts.
public enum ConfigurationSyntax {
    /// Why a value could not be read; the message never repeats the value itself, so callers
    /// decide whether echoing it is safe.
    struct Issue: Error, Hashable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// Splits `1h30m` / `64MiB` / `1.5s` into (integer digits, fraction digits, unit) terms.
    static func terms(_ text: String) -> [(whole: Substring, fraction: Substring, unit: Substring)]? {
        var result: [(whole: Substring, fraction: Substring, unit: Substring)] = []
        var index = text.startIndex
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        while index < text.endIndex {
            let wholeStart = index
            while index < text.endIndex, isDigit(text[index]) || text[index] == "_" { index = text.index(after: index) }
            let whole = text[wholeStart..<index]
            var fraction: Substring = ""
            if index < text.endIndex, text[index] == "." {
                index = text.index(after: index)
                let fractionStart = index
                while index < text.endIndex, isDigit(text[index]) { index = text.index(after: index) }
                fraction = text[fractionStart..<index]
                guard !fraction.isEmpty else { return nil }
            }
            guard whole.contains(where: isDigit), !whole.hasPrefix("_"), !whole.hasSuffix("_") else { return nil }
            let unitStart = index
            while index < text.endIndex, text[index].isLetter || text[index] == "µ" { index = text.index(after: index) }
            result.append((whole, fraction, text[unitStart..<index]))
        }
        return result.isEmpty ? nil : result
    }

    /// `amount × multiplier` with the fraction applied, or `nil` on overflow.
    static func scaled(whole: Substring, fraction: Substring, by multiplier: Int64) -> Int64? {
        guard let wholeValue = Int64(whole.filter { $0 != "_" }) else { return nil }
        let (product, overflow) = wholeValue.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        var fractionValue: Int64 = 0
        var scale: Int64 = 1
        for digit in fraction.prefix(12) {
            guard let value = digit.wholeNumberValue else { return nil }
            fractionValue = fractionValue * 10 + Int64(value)
            scale *= 10
        }
        // multiplier ≤ 1 day in ns (8.64e13) and scale ≤ 1e12: split to stay within Int64.
        let fractional = (multiplier / scale) * fractionValue + (multiplier % scale) * fractionValue / scale
        let (sum, sumOverflow) = product.addingReportingOverflow(fractional)
        return sumOverflow ? nil : sum
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
