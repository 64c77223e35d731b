/// Appends compact JSON to a byte buffer.
///
/// Used by every encoder that emits JSON (ECS, Splunk HEC envelopes, `_bulk` actions, the mock API),
/// so escaping is written once. Strings are escaped per RFC 8259; U+2028 and U+2029 are escaped as
/// well so that consumers splitting on "any newline" still see one record per line.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written so far, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeRaw("null")
        case .bool(let flag): writeRaw(flag ? "true" : "false")
        case .number(let literal): writeRaw(literal)
        case .string(let string): writeString(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            write(object)
        }
    }

    public mutating func write(_ object: JSONObject) {
        bytes.append(UInt8(ascii: "{"))
        for (index, member) in object.members.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(member.key)
            bytes.append(UInt8(ascii: ":"))
            write(member.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Appends text verbatim (it must already be valid JSON in its position).
    public mutating func writeRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends bytes verbatim (they must already be valid JSON in their position).
    public mutating func writeRaw(_ raw: some Sequence<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// Appends a quoted, escaped JSON string.
    ///
    /// Most strings (ids, emails, user agents, URLs) need no escape: a branch-free scan, which the
    /// compiler vectorizes, finds out, and then the bytes are copied in one go.
    @inline(__always)
    public mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { writeString(utf8: $0) }
    }

    /// Appends the UTF-8 text in `utf8` as a quoted, escaped JSON string.
    @inline(__always)
    public mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        writeStringContents(utf8: utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the UTF-8 text in `utf8` escaped as the inside of a JSON string, without quotes, so a
    /// string can be written in pieces (each piece must be whole UTF-8 sequences).
    @inline(__always)
    public mutating func writeStringContents(utf8: UnsafeBufferPointer<UInt8>) {
        var flags: UInt8 = 0
        for byte in utf8 {
            flags |= (byte < 0x20 ? 1 : 0) | (byte == 0x22 ? 1 : 0) | (byte == 0x5C ? 1 : 0) | (byte == 0xE2 ? 1 : 0)
        }
        if flags == 0 {
            bytes.append(contentsOf: utf8)
        } else {
            writeEscapedContents(utf8)
        }
    }

    /// Appends `string` escaped as the inside of a JSON string, without quotes.
    @inline(__always)
    public mutating func writeStringContents(_ string: String) {
        var string = string
        string.withUTF8 { writeStringContents(utf8: $0) }
    }

    private mutating func writeEscapedContents(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            let escape: StaticString?
            var length = 1
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0x00..<0x20:
                escape = nil
                length = 0
            case 0xE2
            where index + 2 < utf8.count && utf8[index + 1] == 0x80
                && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                escape = utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                length = 3
            default:
                index += 1
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            if let escape {
                bytes.append(contentsOf: UnsafeBufferPointer(start: escape.utf8Start, count: escape.utf8CodeUnitCount))
            } else {
                appendControlEscape(byte)
                length = 1
            }
            index += length
            runStart = index
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }

    /// Appends `"key":`.
    public mutating func writeKey(_ key: String) {
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a decimal integer.
    public mutating func writeInteger(_ value: some BinaryInteger) {
        writeRaw(String(value))
    }

    private mutating func appendControlEscape(_ byte: UInt8) {
        let hex: StaticString = "0123456789abcdef"
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "u"))
        bytes.append(UInt8(ascii: "0"))
        bytes.append(UInt8(ascii: "0"))
        bytes.append(hex.utf8Start[Int(byte >> 4)])
        bytes.append(hex.utf8Start[Int(byte & 0x0F)])
    }
}
