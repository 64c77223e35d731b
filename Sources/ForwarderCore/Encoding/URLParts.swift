/// The ECS `url.*` parts of an absolute URL (`scheme://host[:port]/path?query#fragment`), so SIEM
/// rules can match on `url.domain` or `url.path` instead of wildcards over `url.original`.
///
/// Only what RFC 3986 makes unambiguous is split; anything else keeps just `url.original`. User
/// information (`user:password@`) is never copied into a part of its own.
struct URLParts: Equatable {
    /// Without the `:` (ECS).
    var scheme: String
    /// The host as written; an IPv6 literal keeps its brackets (ECS). `nil` when empty.
    var domain: String?
    var port: Int64?
    /// `nil` when empty.
    var path: String?
    /// Without the `?`; `nil` when absent.
    var query: String?
    /// Without the `#`; `nil` when absent.
    var fragment: String?

    /// Splits `text`, or returns `nil` when it is not an absolute URL with an authority.
    init?(_ text: String) {
        let scalars = text.unicodeScalars
        guard let colon = scalars.firstIndex(of: ":") else { return nil }
        let scheme = scalars[..<colon]
        guard let first = scheme.first, Self.isLetter(first), scheme.allSatisfy(Self.isSchemeScalar) else { return nil }
        let afterColon = scalars[scalars.index(after: colon)...]
        guard afterColon.starts(with: "//".unicodeScalars) else { return nil }
        let authorityStart = afterColon.index(afterColon.startIndex, offsetBy: 2)
        let rest = scalars[authorityStart...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }

        var host = authority
        var port: Int64?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":", let value = Self.port(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let portColon = authority.lastIndex(of: ":") {
            host = authority[..<portColon]
            // An IPv6 literal without brackets: which colon starts the port is anyone's guess.
            guard !host.contains(":") else { return nil }
            let digits = authority[authority.index(after: portColon)...]
            if !digits.isEmpty {
                guard let value = Self.port(digits) else { return nil }
                port = value
            }
        }
        guard !host.contains(where: { $0 == " " || $0.properties.generalCategory == .control }) else { return nil }

        var tail = rest[authorityEnd...]
        var fragment: String?
        if let hash = tail.firstIndex(of: "#") {
            fragment = String(tail[tail.index(after: hash)...])
            tail = tail[..<hash]
        }
        var query: String?
        if let question = tail.firstIndex(of: "?") {
            query = String(tail[tail.index(after: question)...])
            tail = tail[..<question]
        }
        self.scheme = String(scheme)
        self.domain = host.isEmpty ? nil : String(host)
        self.port = port
        self.path = tail.isEmpty ? nil : String(tail)
        self.query = query
        self.fragment = fragment
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isSchemeScalar(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || ("0"..."9").contains(scalar) || scalar == "+" || scalar == "-" || scalar == "."
    }

    /// 1–65535 written as 1–5 ASCII digits, else `nil`.
    private static func port(_ digits: Substring.UnicodeScalarView) -> Int64? {
        guard (1...5).contains(digits.count), digits.allSatisfy({ ("0"..."9").contains($0) }),
            let value = Int64(String(digits)), (1...65535).contains(value)
        else { return nil }
        return value
    }
}
