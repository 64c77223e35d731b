/// A syslog facility, 0…23, written as a name (`local0`, `audit`, `authpriv`) or a number.
public struct SyslogFacility: Sendable, Hashable, CustomStringConvertible {
    /// The facility code, 0…23.
    public let code: Int

    /// The facility with this code, or `nil` outside 0…23.
    public init?(code: Int) {
        guard (0...23).contains(code) else { return nil }
        self.code = code
    }

    private init(unchecked code: Int) {
        self.code = code
    }

    /// The facility called `name` (RFC 5424 table, names as in syslog.h and rsyslog), or one
    /// written as a number 0…23.
    public init?(name: String) {
        if let code = Self.names.first(where: { $0.name == name })?.code {
            self.code = code
        } else if let code = Int(name), (0...23).contains(code), !name.hasPrefix("+") {
            self.code = code
        } else {
            return nil
        }
    }

    /// 4: security/authorization messages.
    public static let auth = SyslogFacility(unchecked: 4)
    /// 10: private security/authorization messages.
    public static let authpriv = SyslogFacility(unchecked: 10)
    /// 13: log audit (RFC 5424).
    public static let audit = SyslogFacility(unchecked: 13)
    /// 16: local use 0.
    public static let local0 = SyslogFacility(unchecked: 16)

    /// Accepted names, first name per code is the canonical one.
    static let names: [(name: String, code: Int)] = [
        ("kern", 0), ("user", 1), ("mail", 2), ("daemon", 3), ("auth", 4), ("security", 4), ("syslog", 5),
        ("lpr", 6), ("news", 7), ("uucp", 8), ("cron", 9), ("authpriv", 10), ("ftp", 11), ("ntp", 12),
        ("audit", 13), ("alert", 14), ("clock", 15), ("local0", 16), ("local1", 17), ("local2", 18),
        ("local3", 19), ("local4", 20), ("local5", 21), ("local6", 22), ("local7", 23),
    ]

    /// The canonical name, e.g. `local0`.
    public var description: String {
        Self.names.first(where: { $0.code == code })?.name ?? String(code)
    }
}
