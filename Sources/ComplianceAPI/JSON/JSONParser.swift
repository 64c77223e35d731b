/// A strict RFC 8259 parser that produces ``JSONValue`` without losing member order or number text.
///
/// It also reports the byte range of every value it parses, which is how a page's records keep
/// their untouched original text (``Activity/rawJSON``).
public struct JSONParser {
    /// Where and why parsing failed.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// Byte offset of the problem in the input.
        public var offset: Int
        public var reason: String

        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Nesting deeper than this is rejected rather than risking the stack on hostile input.
    public static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next byte to read.
    public private(set) var position: Int = 0
    private var depth = 0
    /// Members of the objects being parsed, innermost last (see ``JSONParserStack``).
    private let memberStack = JSONParserStack<JSONObject.Member>()
    /// The same for array elements.
    private let elementStack = JSONParserStack<JSONValue>(capacity: 8)
    /// Longer strings already made, reused when they repeat.
    private let strings = JSONStringCache()

    /// Parses one complete JSON document.
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in Result { () throws(SyntaxError) in try parseDocument(buffer) } }.get()
    }

    /// Parses one complete JSON document.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in Result { () throws(SyntaxError) in try parseDocument(buffer) } }
            .get()
    }

    /// Parses one complete JSON document from a buffer that outlives the call.
    public static func parseDocument(_ buffer: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(buffer)
        let value = try parser.parseValue()
        try parser.expectEnd()
        return value
    }

    /// Creates a parser over `buffer`; the buffer must stay valid while the parser is used.
    public init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.bytes = buffer
    }

    /// Fails unless only whitespace remains.
    public mutating func expectEnd() throws(SyntaxError) {
        skipWhitespace()
        if position != bytes.count { throw error("unexpected data after the end of the document") }
    }

    /// Skips whitespace and returns the next byte without consuming it.
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` (after whitespace) or fails.
    public mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    /// Consumes `byte` if it is next (after whitespace).
    public mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if position < bytes.count, bytes[position] == byte {
            position += 1
            return true
        }
        return false
    }

    /// Parses the next value.
    public mutating func parseValue() throws(SyntaxError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character")
        }
    }

    /// Parses an object, keeping member order.
    public mutating func parseObject() throws(SyntaxError) -> JSONObject {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        if consume(UInt8(ascii: "}")) { return JSONObject() }
        let base = memberStack.count
        defer { memberStack.truncate(to: base) }
        repeat {
            skipWhitespace()
            let key = try parseKey()
            try expect(UInt8(ascii: ":"))
            let value = try parseValue()
            memberStack.push(JSONObject.Member(key: key, value: value))
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
        return JSONObject(members: memberStack.popArray(from: base))
    }

    /// Parses a string at the current position.
    public mutating func parseString() throws(SyntaxError) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string") }
        position += 1
        let start = position
        // Fast path: no escapes, valid UTF-8 is decoded in one go.
        position = Self.endOfPlainRun(bytes, from: position)
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let string = strings.string(UnsafeBufferPointer(rebasing: bytes[start..<position]))
                position += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            position += 1
        }
        var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escaped)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    scratch.append(contentsOf: String(Character(scalar)).utf8)
                default: throw error("invalid escape")
                }
            case 0..<0x20:
                throw error("control character in string")
            default:
                scratch.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    /// Parses a member name: a known key without escapes is returned as a literal (see
    /// ``JSONKeyTable``), anything else as ``parseString()`` does.
    private mutating func parseKey() throws(SyntaxError) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string") }
        let start = position + 1
        let end = Self.endOfPlainRun(bytes, from: start)
        if end < bytes.count, bytes[end] == UInt8(ascii: "\""),
            let known = JSONKeyTable.known(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        {
            position = end + 1
            return known
        }
        return try parseString()
    }

    /// The offset of the first quote, backslash or control character at or after `start` (or the end),
    /// eight bytes at a time: strings are most of a record's bytes.
    @inline(__always)
    static func endOfPlainRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        #if _endian(little)
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                // Classic "has a zero byte" / "has a byte below n" tests; the lowest flagged byte is
                // always exact, which is the one wanted.
                let found =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                let flagged = found & highs
                if flagged != 0 { return index + flagged.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        #endif
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return index
    }

    private mutating func parseUnicodeEscape() throws(SyntaxError) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            {
                let save = position
                position += 2
                let low = try hex4()
                if (0xDC00..<0xE000).contains(low) {
                    let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    return Unicode.Scalar(value) ?? "\u{FFFD}"
                }
                position = save
            }
            return "\u{FFFD}"
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func parseArray() throws(SyntaxError) -> JSONValue {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        if consume(UInt8(ascii: "]")) { return .array([]) }
        let base = elementStack.count
        defer { elementStack.truncate(to: base) }
        repeat {
            let element = try parseValue()
            elementStack.push(element)
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return .array(elementStack.popArray(from: base))
    }

    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw error("truncated number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if isDigit(bytes[position]) {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        } else {
            throw error("invalid number")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] {
            throw error("invalid literal")
        }
        position += count
    }

    private mutating func enter() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth)") }
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func error(_ reason: String) -> SyntaxError {
        SyntaxError(offset: position, reason: reason)
    }

    /// Returns the bytes in `range` as text.
    public func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
