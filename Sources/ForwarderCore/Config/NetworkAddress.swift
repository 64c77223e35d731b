/// A host and a port, as written `host:port` (`[::1]:6514` for IPv6).
public struct NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IP address, without brackets.
    public var host: String
    /// `0…65535`; 0 lets the system pick (listening only).
    public var port: Int

    /// - Parameters:
    ///   - host: Without brackets, also for IPv6.
    ///   - port: The port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port`, and, when `defaultPort` is given, `host` or `[v6]`.
    /// Returns a message saying what is wrong otherwise.
    static func parse(_ text: String, defaultPort: Int? = nil) -> Result<NetworkAddress, ConfigurationSyntax.Issue> {
        let example = "expected host:port, e.g. siem.example.com:6514 or [::1]:6514"
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(.init("missing ']' after an IPv6 address; \(example)"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                portText = rest.dropFirst()
            } else if !rest.isEmpty {
                return .failure(.init(example))
            }
            guard host.contains(":") else {
                return .failure(.init("brackets are only for IPv6 addresses; \(example)"))
            }
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons > 1 {
                return .failure(.init("an IPv6 address must be in brackets, e.g. [::1]:6514"))
            }
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text[...]
            }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else {
            return .failure(.init(example))
        }
        let port: Int
        if let portText {
            guard let value = Int(portText), (0...65535).contains(value), !portText.hasPrefix("+") else {
                return .failure(.init("port must be a number between 0 and 65535"))
            }
            port = value
        } else if let defaultPort {
            port = defaultPort
        } else {
            return .failure(.init("missing port; \(example)"))
        }
        return .success(NetworkAddress(host: String(host), port: port))
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
