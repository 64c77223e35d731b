#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A request URL, and the parts of it that may be shown.
///
/// Logs and errors show only ``redacted`` (`https://es.example.com:9200`): webhook URLs often
/// carry a token in their path or query, and HEC accepts `?token=`.
struct HTTPEndpoint: Sendable, Hashable {
    /// The URL requested.
    var url: String
    /// `scheme://host[:port]`, safe to log.
    var redacted: String
    var isHTTPS: Bool
    /// Set with a TLS `server_name`: the URL names that host (so SNI and certificate checks use
    /// it) and AsyncHTTPClient's DNS override sends the connection to the configured host.
    var dnsOverride: [String: String] = [:]

    /// - Parameters:
    ///   - text: The configured URL.
    ///   - appendingPath: Path segments appended to the configured path (each percent-encoded).
    ///   - query: Query items appended to the configured query.
    ///   - replacingPathSuffix: Replaces everything from the first occurrence of `suffix.from` in
    ///     the path with `suffix.to` (HEC: `…/services/collector/event` → `…/services/collector/ack`).
    ///   - serverName: The TLS name to send and verify, when it differs from the URL's host.
    init(
        _ text: String,
        appendingPath: [String] = [],
        query: [(name: String, value: String)] = [],
        replacingPathSuffix suffix: (from: String, to: String)? = nil,
        serverName: String? = nil
    ) throws(HTTPSinkError) {
        guard var components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw HTTPSinkError(code: .setup, message: "url is not an http:// or https:// URL with a host")
        }
        var path = components.percentEncodedPath
        if let suffix {
            if let range = path.range(of: suffix.from) {
                path = String(path[..<range.lowerBound]) + suffix.to
            } else {
                // A proxy path that does not follow Splunk's layout: replace the last segment.
                while path.hasSuffix("/") { path.removeLast() }
                if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
                path += "/" + (suffix.to.split(separator: "/").last.map(String.init) ?? "")
            }
        }
        if !appendingPath.isEmpty {
            while path.hasSuffix("/") { path.removeLast() }
            for segment in appendingPath {
                path += "/" + Self.percentEncoded(segment)
            }
        }
        components.percentEncodedPath = path
        if !query.isEmpty {
            let added = query.map { "\(Self.percentEncoded($0.name))=\(Self.percentEncoded($0.value, keeping: ",*."))" }
            let existing = components.percentEncodedQuery.map { [$0] } ?? []
            components.percentEncodedQuery = (existing + added).joined(separator: "&")
        }
        if let serverName, !serverName.isEmpty, serverName != host, scheme == "https" {
            components.host = serverName
            dnsOverride = [serverName: host]
        }
        guard let url = components.string else {
            throw HTTPSinkError(code: .setup, message: "url could not be rebuilt after adding the path")
        }
        self.url = url
        self.isHTTPS = scheme == "https"
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        self.redacted = "\(scheme)://\(shownHost)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// RFC 3986 unreserved characters pass; everything else is percent-encoded.
    static func percentEncoded(_ text: String, keeping extra: String = "") -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            let unreserved =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "-._~".unicodeScalars.contains(scalar) || extra.unicodeScalars.contains(scalar)
            if unreserved {
                result.unicodeScalars.append(scalar)
            } else {
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result.unicodeScalars.append("%")
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }
}
