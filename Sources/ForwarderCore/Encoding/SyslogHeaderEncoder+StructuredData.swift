extension SyslogHeaderEncoder {
    /// One RFC 5424 SD-ELEMENT: `[id name="value" …]`.
    public struct StructuredDataElement: Sendable, Hashable {
        /// One `name="value"` pair.
        public struct Parameter: Sendable, Hashable {
            /// PARAM-NAME: same rules as the SD-ID (invalid characters become `_`).
            public var name: String
            /// PARAM-VALUE: any UTF-8; `"`, `\` and `]` are escaped when written.
            public var value: String

            /// - Parameters:
            ///   - name: PARAM-NAME.
            ///   - value: PARAM-VALUE, unescaped.
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        /// SD-ID: 1–32 printable ASCII except `=`, space, `]`, `"` (others become `_`).
        public var id: String
        /// The `name="value"` pairs, in order; ones with an empty name are skipped.
        public var parameters: [Parameter]

        /// - Parameters:
        ///   - id: SD-ID, `name@<private enterprise number>`.
        ///   - parameters: the element's parameters.
        public init(id: String, parameters: [Parameter]) {
            self.id = id
            self.parameters = parameters
        }
    }

    // MARK: - Fields

    /// Printable US-ASCII (33–126) only, each other Unicode scalar as `_`, at most `maxLength`
    /// characters; `-` when absent or empty.
    static func headerField(_ value: String?, maxLength: Int) -> [UInt8] {
        guard let value, !value.isEmpty else { return [UInt8(ascii: "-")] }
        var field: [UInt8] = []
        for scalar in value.unicodeScalars {
            if field.count == maxLength { break }
            field.append(scalar.value >= 33 && scalar.value <= 126 ? UInt8(scalar.value) : UInt8(ascii: "_"))
        }
        return field
    }

    static func appendStructuredData(_ elements: [StructuredDataElement], into buffer: inout [UInt8]) {
        var wrote = false
        var seen: Set<[UInt8]> = []
        for element in elements {
            let id = sdName(element.id)
            // Each SD-ID may appear once; an empty one is not an SD-ID.
            guard !id.isEmpty, seen.insert(id).inserted else { continue }
            wrote = true
            buffer.append(UInt8(ascii: "["))
            buffer.append(contentsOf: id)
            for parameter in element.parameters {
                let name = sdName(parameter.name)
                guard !name.isEmpty else { continue }
                buffer.append(UInt8(ascii: " "))
                buffer.append(contentsOf: name)
                buffer.append(contentsOf: "=\"".utf8)
                appendParameterValue(parameter.value, into: &buffer)
                buffer.append(UInt8(ascii: "\""))
            }
            buffer.append(UInt8(ascii: "]"))
        }
        if !wrote { buffer.append(UInt8(ascii: "-")) }
    }

    /// PARAM-VALUE with `"`, `\\` and `]` escaped.
    static func appendParameterValue(_ value: String, into buffer: inout [UInt8]) {
        // Almost every value has no `"`, `\` or `]`: a word-at-a-time scan decides, and it is copied
        // whole. Otherwise runs between escapes are copied in one go: a byte-at-a-time append was
        // one of the larger items in the TLS path's profile.
        var value = value
        value.withUTF8 { bytes in
            let special = (UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"))
            if !ByteScan.contains(bytes, anyOf: special.0, special.1, special.2, special.2) {
                buffer.append(contentsOf: bytes)
                return
            }
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "]") else {
                    continue
                }
                if runStart < index {
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                }
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(byte)
                runStart = index + 1
            }
            if runStart < bytes.count {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            }
        }
    }

    /// SD-NAME: 1–32 printable US-ASCII except `=`, space, `]`, `"`; others become `_`.
    static func sdName(_ value: String) -> [UInt8] {
        var name: [UInt8] = []
        for scalar in value.unicodeScalars {
            if name.count == 32 { break }
            let v = scalar.value
            let allowed = v >= 33 && v <= 126 && v != 0x3D && v != 0x5D && v != 0x22
            name.append(allowed ? UInt8(v) : UInt8(ascii: "_"))
        }
        return name
    }
}
