/// A deliberately strict CEF parser for tests, following the Beats grammar (`decode_cef/cef.rl`):
/// header escapes only `\\` `\|`, extension escapes only `\\` `\=` `\n` `\r`, no raw line breaks,
/// no unescaped `=` inside a value, keys are `[A-Za-z0-9_]+`, severity 0–10 or a named level.
struct StrictCEFParser {
    struct Record: Equatable {
        /// Version, vendor, product, version, class id, name, severity, unescaped.
        var header: [String]
        var extensions: [Pair]
    }

    struct Pair: Equatable, CustomStringConvertible {
        var key: String
        var value: String
        var description: String { "\(key)=\(value.debugDescription)" }
    }

    struct ParseError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    static let severityNames: Set<String> = ["Unknown", "Low", "Medium", "High", "Very-High"]

    static func parse(_ line: String) throws -> Record {
        let scalars = Array(line.unicodeScalars)
        guard scalars.starts(with: "CEF:".unicodeScalars) else { throw ParseError(reason: "does not start with CEF:") }
        var index = 4
        var header: [String] = []
        while header.count < 7 {
            var field = String.UnicodeScalarView()
            var closed = false
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if scalar == "\\" {
                    guard index < scalars.count, scalars[index] == "\\" || scalars[index] == "|" else {
                        throw ParseError(reason: "invalid header escape at \(index)")
                    }
                    field.append(scalars[index])
                    index += 1
                } else if scalar == "|" {
                    closed = true
                    break
                } else if scalar == "\n" || scalar == "\r" {
                    throw ParseError(reason: "line break in header")
                } else {
                    field.append(scalar)
                }
            }
            guard closed else { throw ParseError(reason: "header has \(header.count + 1) fields, needs 7") }
            header.append(String(field))
        }
        guard header[0] == "0" || header[0] == "1" else { throw ParseError(reason: "bad version \(header[0])") }
        let severity = header[6]
        if let number = Int(severity) {
            guard (0...10).contains(number), String(number) == severity else {
                throw ParseError(reason: "severity \(severity)")
            }
        } else if !severityNames.contains(severity) {
            throw ParseError(reason: "severity \(severity)")
        }
        return Record(header: header, extensions: try parseExtension(Array(scalars[index...])))
    }

    private static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
    }

    /// Whether a new `key=` starts right after the space at `index`.
    private static func keyStarts(after index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var cursor = index + 1
        while cursor < scalars.count, isKeyScalar(scalars[cursor]) { cursor += 1 }
        return cursor > index + 1 && cursor < scalars.count && scalars[cursor] == "="
    }

    private static func parseExtension(_ scalars: [Unicode.Scalar]) throws -> [Pair] {
        var pairs: [Pair] = []
        var index = 0
        while index < scalars.count {
            var key = String.UnicodeScalarView()
            while index < scalars.count, isKeyScalar(scalars[index]) {
                key.append(scalars[index])
                index += 1
            }
            guard !key.isEmpty, index < scalars.count, scalars[index] == "=" else {
                throw ParseError(reason: "expected key= at \(index)")
            }
            index += 1
            var value = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                if scalar == " ", keyStarts(after: index, in: scalars) {
                    index += 1
                    break
                }
                index += 1
                switch scalar {
                case "\\":
                    guard index < scalars.count else { throw ParseError(reason: "dangling backslash") }
                    switch scalars[index] {
                    case "\\": value.append("\\")
                    case "=": value.append("=")
                    case "n": value.append("\n")
                    case "r": value.append("\r")
                    default: throw ParseError(reason: "invalid extension escape \\\(scalars[index])")
                    }
                    index += 1
                case "=":
                    throw ParseError(reason: "unescaped = in value of \(String(key))")
                case "\n", "\r":
                    throw ParseError(reason: "raw line break in extension")
                default:
                    value.append(scalar)
                }
            }
            pairs.append(Pair(key: String(key), value: String(value)))
        }
        let keys = pairs.map(\.key)
        guard Set(keys).count == keys.count else { throw ParseError(reason: "duplicate keys \(keys)") }
        return pairs
    }
}
