import ComplianceAPI

extension JSONWriter {
    /// Writes a JSON string like ``JSONWriter/writeString(_:)``, but copies the bytes in one go when
    /// none of them needs escaping (the common case: ids, emails, user agents, URLs).
    ///
    /// The check is a branch-free scan the compiler vectorizes; anything that might need an escape
    /// (a control character, `"`, `\`, or the lead byte of U+2028/U+2029) takes
    /// ``JSONWriter/writeString(_:)`` so escaping rules stay in one place.
    @inline(__always)
    mutating func writeStringFast(_ string: String) {
        var string = string
        let copied = string.withUTF8 { utf8 -> Bool in
            var flags: UInt8 = 0
            for byte in utf8 {
                flags |= (byte < 0x20 ? 1 : 0) | (byte == 0x22 ? 1 : 0) | (byte == 0x5C ? 1 : 0) | (byte == 0xE2 ? 1 : 0)
            }
            guard flags == 0 else { return false }
            bytes.reserveCapacity(bytes.count + utf8.count + 2)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if !copied { writeString(string) }
    }
}
