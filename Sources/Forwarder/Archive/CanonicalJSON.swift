import ComplianceAPI

/// The one serialisation of a JSON value that manifests are hashed and signed in: object members
/// sorted by key (UTF-8 byte order), no white space, integers as written, and strings with every
/// non-ASCII character and control character escaped.
///
/// It is byte-for-byte Python's `json.dumps(value, sort_keys=True, separators=(",", ":"))` for
/// the values manifests hold, so a third-party verifier needs no code of ours (docs/archive.md).
enum CanonicalJSON {
    /// The canonical bytes of `value`.
    static func serialize(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        append(value, to: &output)
        return output
    }

    /// Whether `object` has two members with one key (canonical JSON has none).
    static func hasDuplicateKeys(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let object):
            let keys = object.members.map(\.key)
            return Set(keys).count != keys.count || object.members.contains { hasDuplicateKeys($0.value) }
        case .array(let elements):
            return elements.contains(where: hasDuplicateKeys)
        default:
            return false
        }
    }

    private static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .number(let text): output += Array(text.utf8)
        case .string(let text): appendString(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let sorted = object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                append(member.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for unit in text.utf16 {
            switch unit {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x0A: output += [0x5C, UInt8(ascii: "n")]
            case 0x0D: output += [0x5C, UInt8(ascii: "r")]
            case 0x09: output += [0x5C, UInt8(ascii: "t")]
            case 0x08: output += [0x5C, UInt8(ascii: "b")]
            case 0x0C: output += [0x5C, UInt8(ascii: "f")]
            case 0x20...0x7F: output.append(UInt8(unit))
            default:
                output += [0x5C, UInt8(ascii: "u")]
                for shift in stride(from: 12, through: 0, by: -4) {
                    output.append(Array("0123456789abcdef".utf8)[Int((unit >> UInt16(shift)) & 0xF)])
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
