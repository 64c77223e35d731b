/// Strict recognition of IP address text, so only real addresses reach fields typed `ip`.
///
/// Elasticsearch rejects the whole document when an `ip` field holds anything else (`source.ip:
/// "unknown"` is a mapping error), and CEF `src` accepts IPv4 only. Zone identifiers (`fe80::1%eth0`)
/// and IPv4 octets with leading zeros are rejected: Elasticsearch's parser refuses both.
enum IPAddressText {
    enum Kind: Sendable, Hashable {
        case v4
        case v6
    }

    /// The address family of `text`, or `nil` when it is not a plain IPv4 or IPv6 address.
    static func kind(of text: String) -> Kind? {
        var text = text
        return text.withUTF8 { bytes -> Kind? in
            if isIPv4(bytes[...]) { return .v4 }
            if isIPv6(bytes) { return .v6 }
            return nil
        }
    }

    static func isIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var octets = 0
        var digits = 0
        var value = 0
        var firstDigit: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return false }
                octets += 1
                digits = 0
                value = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits == 0 { firstDigit = byte }
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255, !(digits > 1 && firstDigit == UInt8(ascii: "0")) else { return false }
            } else {
                return false
            }
        }
        return octets == 3 && digits > 0
    }

    static func isIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard count >= 2, count <= 45 else { return false }
        var index = 0
        var groups = 0
        var sawDoubleColon = false
        if bytes[0] == UInt8(ascii: ":") {
            guard bytes[1] == UInt8(ascii: ":") else { return false }
            sawDoubleColon = true
            index = 2
            if index == count { return true }
        }
        while index < count {
            // One group: 1–4 hex digits, or a trailing dotted IPv4 worth two groups.
            let start = index
            var hexDigits = 0
            while index < count, isHex(bytes[index]) {
                hexDigits += 1
                index += 1
            }
            if index < count, bytes[index] == UInt8(ascii: ".") {
                guard isIPv4(bytes[start..<count]) else { return false }
                groups += 2
                index = count
                break
            }
            guard hexDigits >= 1, hexDigits <= 4 else { return false }
            groups += 1
            if index == count { break }
            guard bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            if index < count, bytes[index] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return false }
                sawDoubleColon = true
                index += 1
                if index == count { break }
            } else if index == count {
                return false  // a single trailing colon
            }
        }
        return sawDoubleColon ? groups <= 7 : groups == 8
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }
}
