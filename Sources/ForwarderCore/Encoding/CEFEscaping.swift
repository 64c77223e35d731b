/// CEF escaping, trimming and truncation rules (ArcSight "Implementing ArcSight CEF", ch. 2–3).
///
/// Header fields and extension values escape differently:
///
/// | character | header | extension value |
/// |---|---|---|
/// | `\` | `\\` | `\\` |
/// | `|` | `\|` | literal (strict parsers such as Beats reject `\|` here) |
/// | `=` | literal | `\=` |
/// | LF / CR | a space (not allowed) | `\n` / `\r` |
///
/// Every other character, including other control characters and any Unicode, is written as is.
/// Length limits are counted in UTF-16 code units (ArcSight is Java; a Python `len()` or a count of
/// Unicode scalars is never larger), applied **before** escaping and only at a Unicode scalar
/// boundary, so an escape sequence or a UTF-8 sequence is never split.
public enum CEFEscaping {
    /// Appends a header field: truncated to `maxLength`, `\` and `|` escaped, CR and LF replaced by
    /// spaces. Header fields are not trimmed (their spaces are significant to every parser).
    public static func appendHeaderField(_ value: String, maxLength: Int, into buffer: inout [UInt8]) {
        withUTF8(truncated(value[...], maxUTF16: maxLength)) { bytes in
            appendEscaped(bytes, header: true, into: &buffer)
        }
    }

    /// Appends an already prepared extension value with `\`, `=`, LF and CR escaped.
    public static func appendExtensionValue(_ value: Substring, into buffer: inout [UInt8]) {
        withUTF8(value) { appendEscaped($0, header: false, into: &buffer) }
    }

    /// Appends UTF-8 bytes as an extension value with `\`, `=`, LF and CR escaped.
    static func appendExtensionValue(bytes: UnsafeBufferPointer<UInt8>, into buffer: inout [UInt8]) {
        appendEscaped(bytes, header: false, into: &buffer)
    }

    /// Copies runs of bytes that need no escape in one go; escapes are all ASCII, so a multi-byte
    /// UTF-8 sequence is never touched.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, header: Bool, into buffer: inout [UInt8]) {
        // Most values need no escape: a word-at-a-time scan decides, and they are copied whole.
        if !ByteScan.contains(bytes, anyOf: 0x5C, header ? 0x7C : 0x3D, 0x0A, 0x0D) {
            buffer.append(contentsOf: bytes)
            return
        }
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            // Every byte that needs work is `\`, `|`, `=`, LF or CR.
            guard byte == 0x5C || byte == 0x7C || byte == 0x3D || byte == 0x0A || byte == 0x0D else { continue }
            let replacement: (UInt8, UInt8)?
            switch (byte, header) {
            case (0x5C, _): replacement = (0x5C, 0x5C)  // \ -> \\
            case (0x7C, true): replacement = (0x5C, 0x7C)  // | -> \|
            case (0x3D, false): replacement = (0x5C, 0x3D)  // = -> \=
            case (0x0A, false): replacement = (0x5C, UInt8(ascii: "n"))
            case (0x0D, false): replacement = (0x5C, UInt8(ascii: "r"))
            case (0x0A, true), (0x0D, true): replacement = (0x20, 0)  // line breaks -> one space
            default: replacement = nil  // | in an extension, = in a header: literal
            }
            guard let replacement else { continue }
            if runStart < index {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
            buffer.append(replacement.0)
            if replacement.1 != 0 { buffer.append(replacement.1) }
            runStart = index + 1
        }
        if runStart < bytes.count {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
    }

    /// Runs `body` on the contiguous UTF-8 of `text` (native strings need no copy).
    ///
    /// `Substring.withUTF8` rather than `utf8.withContiguousStorageIfAvailable`: the latter goes
    /// through the generic `Slice` path, which cost more than the escaping itself in profiles.
    @inline(__always)
    static func withUTF8<Result>(_ text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = text
        return text.withUTF8(body)
    }

    /// The value an extension key will carry: trimmed of leading and trailing white space (a parser
    /// loses the last value's trailing spaces and may attach extra spaces to the previous value),
    /// truncated to `maxLength` if given, trimmed again (the cut may end on a space). `nil` when
    /// nothing is left, so the key is omitted.
    public static func preparedExtensionValue(_ value: String, maxLength: Int?) -> Substring? {
        var text = trimmed(value[...])
        if let maxLength {
            text = trimmed(truncated(text, maxUTF16: maxLength))
        }
        return text.isEmpty ? nil : text
    }

    /// The longest prefix of `text` with at most `maxUTF16` UTF-16 code units that ends on a Unicode
    /// scalar boundary.
    public static func truncated(_ text: Substring, maxUTF16: Int) -> Substring {
        let limit = max(maxUTF16, 0)
        // UTF-8 is never shorter than UTF-16, so short text needs no scan.
        if text.utf8.count <= limit { return text }
        var units = 0
        var end = text.unicodeScalars.startIndex
        for scalar in text.unicodeScalars {
            let width = scalar.value > 0xFFFF ? 2 : 1
            if units + width > limit { break }
            units += width
            end = text.unicodeScalars.index(after: end)
        }
        return Substring(text.unicodeScalars[text.unicodeScalars.startIndex..<end])
    }

    /// `text` without leading and trailing Unicode white space (`White_Space` property).
    public static func trimmed(_ text: Substring) -> Substring {
        // Fast path: a printable ASCII first and last byte means there is nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last, (0x21...0x7E).contains(first),
            (0x21...0x7E).contains(last)
        {
            return text
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        guard let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return Substring(scalars[first...last])
    }
}
