import ComplianceAPI

/// The legacy header: `<PRI>Mmm dd hh:mm:ss HOST TAG: MSG`.
extension SyslogHeaderEncoder {

    private static let months: [[UInt8]] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ].map { Array($0.utf8) }

    func appendLegacyHeader(timestamp: RFC3339Timestamp?, into buffer: inout [UInt8]) {
        let c = (timestamp ?? RFC3339Timestamp(secondsSinceEpoch: 0)).utcComponents
        buffer.append(contentsOf: Self.months[Int(min(max(c.month, 1), 12)) - 1])
        buffer.append(UInt8(ascii: " "))
        if c.day < 10 { buffer.append(UInt8(ascii: " ")) }
        ByteFormatting.appendDecimal(c.day, into: &buffer)
        buffer.append(UInt8(ascii: " "))
        ByteFormatting.appendTime(c.hour, c.minute, c.second, into: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: legacyHostField)
        buffer.append(UInt8(ascii: " "))
        if !legacyTagField.isEmpty {
            buffer.append(contentsOf: legacyTagField)
            buffer.append(UInt8(ascii: ":"))
            buffer.append(UInt8(ascii: " "))
        }
    }

    /// RFC 3164 HOSTNAME: without the domain (an IP address stays whole).
    static func legacyHost(_ hostname: String?) -> [UInt8] {
        guard let hostname, !hostname.isEmpty else { return [UInt8(ascii: "-")] }
        var host = Substring(hostname)
        if IPAddressText.kind(of: hostname) == nil, let dot = host.firstIndex(of: ".") {
            host = host[..<dot]
        }
        return headerField(String(host), maxLength: 255)
    }

    /// RFC 3164 TAG: at most 32 characters; letters, digits, `-`, `_`, `.` and `/` kept (what rsyslog
    /// and syslog-ng accept in a program name), anything else becomes `_`.
    static func legacyTag(_ appName: String) -> [UInt8] {
        var tag: [UInt8] = []
        for scalar in appName.unicodeScalars {
            if tag.count == 32 { break }
            let v = scalar.value
            let isAlphanumeric = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
            let allowed = isAlphanumeric || v == 0x2D || v == 0x5F || v == 0x2E || v == 0x2F
            tag.append(allowed ? UInt8(v) : UInt8(ascii: "_"))
        }
        return tag
    }
}
