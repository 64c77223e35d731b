import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The identity the receiver's certificate must prove: `tls.server_name` when set, else the
/// host of `address`.
///
/// NIOSSL's own check also accepts a certificate whose IP-address SAN equals the address the
/// socket connected to, whatever name was asked for: a receiver reached by IP would pass with a
/// certificate for that IP even when `server_name` names another host. So the sink lets BoringSSL
/// validate the chain (`.noHostnameVerification`) and then applies this strict check to the leaf
/// before it writes a byte: a DNS name is matched only against DNS SANs (RFC 6125: one `*` as the
/// whole left-most label; the subject CN only when the certificate has no SAN at all), an IP
/// address only against IP SANs.
enum SyslogServerIdentity: Sendable, Hashable, CustomStringConvertible {
    case dnsName(String)
    case ipAddress([UInt8], text: String)

    /// `name` as an identity: an IPv4/IPv6 literal (brackets allowed) or a DNS name.
    init(_ name: String) {
        let bare = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
        if let bytes = Self.ipBytes(bare) {
            self = .ipAddress(bytes, text: bare)
        } else {
            var lowered = bare.lowercased()
            if lowered.hasSuffix(".") { lowered.removeLast() }
            self = .dnsName(lowered)
        }
    }

    var description: String {
        switch self {
        case .dnsName(let name): return name
        case .ipAddress(_, let text): return "IP \(text)"
        }
    }

    /// `nil` when `certificate` is valid for this identity, else why not (naming what the
    /// certificate does carry, so the operator can fix `tls.server_name`).
    func mismatch(in certificate: NIOSSLCertificate) -> String? {
        var dnsNames: [String] = []
        var addresses: [[UInt8]] = []
        var sanCount = 0
        for name in certificate._subjectAlternativeNames() {
            sanCount += 1
            let bytes = name.contents.withUnsafeBufferPointer { Array($0) }
            switch name.nameType {
            case .dnsName: dnsNames.append(String(decoding: bytes, as: UTF8.self))
            case .ipAddress: addresses.append(bytes)
            default: continue
            }
        }
        let matched: Bool
        switch self {
        case .dnsName(let expected):
            var candidates = dnsNames
            if sanCount == 0 {
                candidates = certificate.subjectName.filter { $0.type == .commonName }.map(\.value)
            }
            matched = candidates.contains { Self.matches(presented: $0, expected: expected) }
        case .ipAddress(let expected, _):
            matched = addresses.contains(expected)
        }
        if matched { return nil }
        let carried = dnsNames.map { "DNS:\($0)" } + addresses.map { "IP:\(Self.ipText($0))" }
        let shown =
            carried.isEmpty
            ? "no subjectAltName, CN \(certificate.subjectName.first { $0.type == .commonName }?.value ?? "none")"
            : carried.joined(separator: ", ")
        return "the receiver's certificate is not valid for \(self) (it names \(shown)); "
            + "set tls.server_name to a name in the certificate, or use a certificate for \(self)"
    }

    /// RFC 6125 §6.4: case-insensitive, trailing dot ignored, `*` only as the whole left-most
    /// label of a name with at least three labels, matching exactly one label.
    static func matches(presented: String, expected: String) -> Bool {
        var presented = presented.lowercased()
        if presented.hasSuffix(".") { presented.removeLast() }
        guard !presented.isEmpty, presented.allSatisfy({ $0.isASCII }) else { return false }
        if presented == expected { return true }
        guard presented.hasPrefix("*.") else { return false }
        let suffix = presented.dropFirst(1)  // ".example.test"
        guard suffix.dropFirst().contains("."), !suffix.contains("*") else { return false }
        guard expected.hasSuffix(String(suffix)) else { return false }
        let label = expected.dropLast(suffix.count)
        return !label.isEmpty && !label.contains(".")
    }

    static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func ipText(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: bytes.count - 1, by: 2)
            .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
