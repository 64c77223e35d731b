import ComplianceAPI
import Foundation
import Testing

@testable import MockComplianceAPI

/// The hand-written parser against Foundation's `JSONSerialization`, over a generated corpus of
/// hostile documents: the same accept/reject decision and the same values.
///
/// Deliberate differences, each asserted below rather than skipped:
/// - **Invalid UTF-8** is read, not refused: each ill-formed sequence becomes U+FFFD (a record is
///   never lost for one bad byte; its raw text is forwarded as received). Foundation refuses the
///   document; on the repaired bytes the two must agree.
/// - **Lone surrogate escapes** (`\ud800` without its pair, or a lone `\udc00`) become U+FFFD for
///   the same reason; Foundation refuses them. With `\ufffd` in their place the two must agree.
/// - **Nesting** deeper than ``JSONParser/maximumDepth`` (256) is refused; Foundation allows more.
/// - **Duplicate keys** are all kept, in order (audit records pass through as received);
///   Foundation keeps one per key. Its value must be the last one ours kept.
/// - **Numbers** keep their literal text; Foundation makes a number of them. A 64-bit integer
///   literal must equal Foundation's integer; any other literal read as a `Double` must agree with
///   Foundation's to 14 significant digits (Foundation reads long literals as a 38-digit
///   `Decimal`). A number beyond `Double`'s range (`1e400`) or one that underflows to zero is
///   kept as written where Foundation refuses the document.
/// - Foundation also accepts a leading byte-order mark and a trailing comma (`[1,]`, `{"a":1,}`); ours
///   refuses both (the API sends neither; RFC 8259 forbids the comma).
@Suite struct JSONDifferentialTests {
    /// One generated document and what Foundation is asked about instead when a deliberate
    /// difference applies.
    struct Case: CustomStringConvertible {
        var bytes: [UInt8]
        /// Nesting depth, when the case is about nesting.
        var depth: Int?

        var description: String {
            String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription
        }
    }

    @Test func agreesWithFoundationOverAHostileCorpus() throws {
        var generator = CorpusGenerator(seed: 0x15)
        let corpus = generator.corpus()
        #expect(corpus.count > 3000)
        var accepted = 0
        var refused = 0
        for item in corpus {
            let ours = try? JSONParser.parse(item.bytes)
            if let depth = item.depth, depth > JSONParser.maximumDepth {
                #expect(ours == nil, "nesting \(depth) must be refused")
                if depth == JSONParser.maximumDepth + 1 { #expect(Self.foundation(item.bytes) != nil) }
                refused += 1
                continue
            }
            let twin = Self.repaired(item.bytes)
            if twin != item.bytes {
                #expect(Self.foundation(item.bytes) == nil, "Foundation refuses \(item)")
            }
            let theirs = Self.foundation(twin)
            if Self.foundationOnlyAccepts(twin) {
                #expect(ours == nil && theirs != nil, "documented difference on \(item)")
            } else if Self.oursOnlyAccepts(twin) {
                #expect(ours != nil && theirs == nil, "documented difference on \(item)")
            } else {
                #expect((ours != nil) == (theirs != nil), "decision differs on \(item)")
                if let ours, let theirs { #expect(Self.same(ours, theirs), "value differs on \(item)") }
            }
            if ours != nil { accepted += 1 } else { refused += 1 }
        }
        // The corpus exercises both sides of the decision in earnest.
        #expect(accepted > 1000)
        #expect(refused > 1000)
    }

    @Test func duplicateKeysAreAllKeptWhereFoundationKeepsTheLast() throws {
        let text = #"{"a":1,"b":2,"a":3}"#
        let ours = try JSONParser.parse(text)
        #expect(ours.objectValue?.members.map(\.key) == ["a", "b", "a"])
        let theirs = try #require(Self.foundation(Array(text.utf8)) as? [String: Any])
        #expect((theirs["a"] as? NSNumber)?.intValue == 3)
        #expect(Self.same(ours, theirs))
    }

    @Test func loneSurrogatesBecomeReplacementCharactersWhereFoundationRefuses() throws {
        for text in [#""\ud800""#, #""\udc00""#, #""x\ud83dy""#, #""\ud800\u0041""#] {
            #expect(Self.foundation(Array(text.utf8)) == nil)
            #expect(try JSONParser.parse(text).stringValue?.unicodeScalars.contains("\u{FFFD}") == true)
        }
    }

    @Test func invalidUTF8BecomesReplacementCharactersWhereFoundationRefuses() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0xC3, 0x22]
        #expect(Self.foundation(bytes) == nil)
        #expect(try JSONParser.parse(bytes).stringValue == "a\u{FFFD}b\u{FFFD}")
    }

    // MARK: - Deliberate differences

    /// What Foundation must agree with ours on: ill-formed UTF-8 replaced as `String(decoding:)`
    /// does, then every unpaired surrogate escape replaced by `\ufffd`, as our parser reads them.
    static func repaired(_ bytes: [UInt8]) -> [UInt8] {
        let text = Array(String(decoding: bytes, as: UTF8.self).utf8)
        var output: [UInt8] = []
        var index = 0
        var inString = false
        func escape(at position: Int) -> UInt32? {
            guard position + 6 <= text.count, text[position] == UInt8(ascii: "\\"),
                text[position + 1] == UInt8(ascii: "u")
            else { return nil }
            return UInt32(String(decoding: text[(position + 2)..<(position + 6)], as: UTF8.self), radix: 16)
        }
        while index < text.count {
            let byte = text[index]
            if !inString {
                if byte == UInt8(ascii: "\"") { inString = true }
                output.append(byte)
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                inString = false
                output.append(byte)
                index += 1
            } else if let unit = escape(at: index) {
                if (0xD800..<0xDC00).contains(unit), let low = escape(at: index + 6), (0xDC00..<0xE000).contains(low) {
                    output += text[index..<(index + 12)]
                    index += 12
                } else if (0xD800..<0xE000).contains(unit) {
                    output += Array("\\ufffd".utf8)
                    index += 6
                } else {
                    output += text[index..<(index + 6)]
                    index += 6
                }
            } else if byte == UInt8(ascii: "\\"), index + 1 < text.count {
                output += text[index...(index + 1)]
                index += 2
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// Documents Foundation reads and ours refuses: a leading byte-order mark (RFC 8259 lets a
    /// parser ignore it; the API never sends one) and a trailing comma in an object or array.
    static func foundationOnlyAccepts(_ bytes: [UInt8]) -> Bool {
        guard foundation(bytes) != nil, (try? JSONParser.parse(bytes)) == nil else { return false }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
        let text = String(decoding: bytes.filter { ![0x20, 0x09, 0x0D, 0x0A].contains($0) }, as: UTF8.self)
        return text.contains(",}") || text.contains(",]")
    }

    /// Documents ours reads and Foundation refuses: numbers beyond Foundation's range (ours keeps
    /// the literal text; the SIEM gets it as written).
    static func oursOnlyAccepts(_ bytes: [UInt8]) -> Bool {
        guard foundation(bytes) == nil, let value = try? JSONParser.parse(bytes) else { return false }
        return containsOutOfRangeNumber(value)
    }

    static func containsOutOfRangeNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let text):
            guard let double = Double(text) else { return true }
            return double.isInfinite || (double == 0 && text.contains(where: { "123456789".contains($0) }))
        case .array(let elements): return elements.contains(where: containsOutOfRangeNumber)
        case .object(let object): return object.members.contains { containsOutOfRangeNumber($0.value) }
        default: return false
        }
    }

    // MARK: - Comparison

    static func foundation(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// Whether Foundation's value says what ours says (see the deliberate differences above).
    static func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null:
            return theirs is NSNull
        case .bool(let value):
            return (theirs as? Bool) == value
        case .number(let text):
            guard let number = theirs as? NSNumber, let double = Double(text) else { return false }
            if let integer = Int64(text) { return number.int64Value == integer }
            // Foundation reads long literals as a 38-digit Decimal, whose Double may differ in
            // the last bits from the literal's nearest Double: agree to 14 significant digits.
            let other = number.doubleValue
            return other == double || abs(other - double) <= 1e-14 * max(abs(other), abs(double))
        case .string(let value):
            guard let other = theirs as? String else { return false }
            return Array(value.unicodeScalars) == Array(other.unicodeScalars)
        case .array(let elements):
            guard let others = theirs as? [Any], others.count == elements.count else { return false }
            return zip(elements, others).allSatisfy { same($0, $1) }
        case .object(let object):
            guard let others = theirs as? [String: Any] else { return false }
            var last: [String: JSONValue] = [:]
            var keys: [String] = []
            for member in object.members {
                if last[member.key] == nil { keys.append(member.key) }
                last[member.key] = member.value
            }
            guard Set(others.keys.map { Array($0.unicodeScalars) }) == Set(keys.map { Array($0.unicodeScalars) })
            else { return false }
            return keys.allSatisfy { key in
                guard let value = last[key],
                    let other = others.first(where: { Array($0.key.unicodeScalars) == Array(key.unicodeScalars) })
                else { return false }
                return same(value, other.value)
            }
        }
    }
}

/// Generates the corpus from a seed, so a failure names a document that comes back every run.
struct CorpusGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func corpus() -> [JSONDifferentialTests.Case] {
        var cases: [JSONDifferentialTests.Case] = []
        for text in Self.fixed { cases.append(.init(bytes: Array(text.utf8))) }
        for depth in [1, 2, 64, 255, 256, 257, 300, 511, 512, 513, 1000, 5000] {
            let open = depth / 2
            let inner = String(repeating: "{\"k\":[", count: open) + (depth % 2 == 1 ? "[]" : "0")
            cases.append(.init(bytes: Array((inner + String(repeating: "]}", count: open)).utf8), depth: depth))
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            cases.append(.init(bytes: Array(arrays.utf8), depth: depth))
        }
        for _ in 0..<1500 {
            let document = Array(value(depth: 0).utf8)
            cases.append(.init(bytes: document))
            // Truncated anywhere.
            cases.append(.init(bytes: Array(document.prefix(below(document.count + 1)))))
            // One byte changed to a character that matters to the grammar.
            var changed = document
            changed[below(changed.count)] = pick(Array("{}[]\",:\\0-.eE+tfn \u{0}\u{1F}".utf8))
            cases.append(.init(bytes: changed))
            // Invalid UTF-8 spliced in.
            var spliced = document
            spliced.insert(contentsOf: pick(Self.illFormed), at: below(spliced.count + 1))
            cases.append(.init(bytes: spliced))
        }
        for _ in 0..<300 {
            let (text, twin) = stringWithLoneSurrogate()
            cases.append(.init(bytes: Array(text.utf8)))
            #expect(JSONDifferentialTests.repaired(Array(text.utf8)) == Array(twin.utf8))
        }
        return cases
    }

    static let fixed = [
        "", " ", "null", "true", "false", "nul", "True", "NaN", "Infinity", "-Infinity", "0", "-0", "01", "-01",
        "1.", ".5", "+1", "-", "1e", "1e+", "1E-2", "0.0e0", "1e400", "-1e400", "1e-400",
        "123456789012345678901234567890",
        "-9223372036854775808", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        "0.1", "2.5e-324", "1.7976931348623157e308", "[1,]", "[,1]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}",
        "{'a':1}", "[\"a\"]x", "[] []", " \t\r\n[ \t\r\n1 \t\r\n] \t\r\n", "\u{0C}[]", "[\u{0B}]", "\u{FEFF}[]",
        "\"\\u0000\"", "\"\\u00\"", "\"\\uZZZZ\"", "\"\\x\"", "\"\\'\"", "\"\t\"", "\"\u{7F}\"", "\"\\/\"",
        "\"\\ud83d\\ude00\"", "\"\\uD83D\\uDE00\"", "\"😀\"", "\"\\u2028\\u2029\"", "/* c */ 1", "[1] // c",
        "{\"a\":1,\"a\":2}", "{\"\":0}", "{\"a\":{\"a\":{\"a\":null}}}", "[[[[]]]]", "[-]", "[--1]", "[1.e1]",
        "[0x10]", "[1_000]", "[\"unterminated]", "{\"a\":\"b\"", "\"\\\"", "[true false]", "[null,null,]",
    ]

    static let illFormed: [[UInt8]] = [
        [0xFF], [0xFE], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC3], [0xE2, 0x82], [0xE0, 0x80, 0x80],
        [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    mutating func value(depth: Int) -> String {
        let choice = depth > 5 ? below(4) : below(7)
        let gap = whitespace()
        switch choice {
        case 0: return gap + pick(["null", "true", "false"]) + gap
        case 1: return gap + number() + gap
        case 2, 3: return gap + string() + gap
        case 4, 5:
            let keys = (0..<below(5)).map { _ in below(4) == 0 ? "\"dup\"" : string() }
            let members = keys.map { $0 + whitespace() + ":" + value(depth: depth + 1) }
            return gap + "{" + members.joined(separator: ",") + whitespace() + "}" + gap
        default:
            let elements = (0..<below(5)).map { _ in value(depth: depth + 1) }
            return gap + "[" + elements.joined(separator: ",") + whitespace() + "]" + gap
        }
    }

    mutating func whitespace() -> String {
        String((0..<below(3)).map { _ in pick([" ", "\t", "\n", "\r"]) })
    }

    mutating func number() -> String {
        switch below(6) {
        case 0: return String(Int64(bitPattern: next()) >> below(64))
        case 1: return (below(2) == 0 ? "-" : "") + String(below(1000)) + "." + String(below(100_000))
        case 2: return String(below(10)) + pick(["e", "E"]) + pick(["", "+", "-"]) + String(below(400))
        case 3: return (below(2) == 0 ? "-" : "") + String((0..<(20 + below(30))).map { _ in pick(Array("123456789")) })
        case 4: return pick(["0", "-0", "0.0", "-0.0e-0", "1e308", "1e309", "4.9e-324", "2.2250738585072014e-308"])
        default: return String(Double(bitPattern: next() & 0x7FEF_FFFF_FFFF_FFFF))
        }
    }

    mutating func string() -> String {
        var text = "\""
        for _ in 0..<below(12) {
            switch below(9) {
            case 0: text += pick(["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"])
            case 1: text += String(format: "\\u%04x", below(0xD800))
            case 2: text += String(format: "\\u%04X", 0xE000 + below(0x2000))
            case 3:
                let scalar = 0x10000 + below(0x100000)
                text += String(
                    format: "\\ud%03x\\ud%03x",
                    0x800 + ((scalar - 0x10000) >> 10),
                    0xC00 + ((scalar - 0x10000) & 0x3FF)
                )
            case 4: text += pick(["é", "日本", "😀", "\u{2028}", "e\u{301}", "\u{10FFFF}", "\u{7F}"])
            default: text += pick(["a", "id", "type", " ", "x y", "0", "{", "]", ":"])
            }
        }
        return text + "\""
    }

    /// A string holding one unpaired surrogate escape, and its twin with `\ufffd` in its place.
    mutating func stringWithLoneSurrogate() -> (String, String) {
        let before = pick(["", "a", "\\n", "é", "\\ud83d\\ude00"])
        let lone = pick(["\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\uD834"])
        let after = pick(["", "b", "\\u0041", "\\ud800", "\\\\", "😀"])
        let twinAfter = after == "\\ud800" ? "\\ufffd" : after
        return ("[\"" + before + lone + after + "\"]", "[\"" + before + "\\ufffd" + twinAfter + "\"]")
    }
}
