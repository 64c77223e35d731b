import ComplianceAPI

/// Builds syslog messages (RFC 5424, or the legacy RFC 3164 header) around an encoded activity.
///
/// RFC 5424 (default):
/// ```
/// <110>1 2024-05-01T12:34:56.789Z fwd.example.com compliance-forwarder - sso_login_succeeded [claude@32473 id="act_01HZX3" org="org_123"] CEF:0|…
/// ```
/// - PRI = facility × 8 + severity. Facility defaults to 13 (`log audit`): these are audit records,
///   and keeping them out of `auth`/`authpriv` stops a local relay from mixing them into the
///   forwarder host's own `auth.log`. Severity comes from the CEF severity, see
///   ``severity(forCEFSeverity:)``.
/// - TIMESTAMP is `created_at` in UTC, uppercase `T`/`Z`, at most 6 fraction digits (truncated,
///   trailing zeros dropped).
/// - HOSTNAME (255), APP-NAME (48) and PROCID (128) keep printable US-ASCII only: any other character
///   becomes `_`, longer values are cut, and a missing value is `-`. MSGID is the activity type when
///   it is 1–32 printable ASCII characters, else `-`.
/// - STRUCTURED-DATA (optional): `[claude@32473 id="…" org="…" selfGenerated="true"]` with `"`, `\` and
///   `]` escaped. 32473 is the documentation enterprise number (RFC 5612); set
///   ``Configuration/structuredDataID`` to your own `name@PEN` in production.
/// - MSG is the encoded activity, optionally preceded by a UTF-8 BOM (off by default: receivers
///   such as rsyslog keep the BOM in front of `CEF:`, which breaks CEF detection).
///
/// RFC 3164: `<PRI>Mmm dd hh:mm:ss HOST TAG: MSG` in UTC with the day space-padded, the host name
/// without its domain, and `TAG` = APP-NAME (omitted when `nil`, as ArcSight expects for CEF).
///
/// Framing for stream transports is separate: ``SyslogFraming``.
public struct SyslogFormatter: Sendable {
    /// Output options.
    public struct Configuration: Sendable, Hashable {
        /// The header layout.
        public struct HeaderStyle: Sendable, Hashable, CustomStringConvertible {
            private enum Backing: String, Sendable, Hashable {
                case rfc5424, rfc3164
            }

            private let backing: Backing

            private init(_ backing: Backing) { self.backing = backing }

            /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`.
            public static let rfc5424 = HeaderStyle(.rfc5424)
            /// `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG: MSG` (legacy receivers).
            public static let rfc3164 = HeaderStyle(.rfc3164)

            /// Parses `rfc5424` or `rfc3164`.
            public init?(rawValue: String) {
                guard let backing = Backing(rawValue: rawValue.lowercased()) else { return nil }
                self.backing = backing
            }

            /// The configuration spelling.
            public var rawValue: String { backing.rawValue }

            public var description: String { rawValue }
        }

        /// Syslog facility 0–23 (out-of-range values are clamped).
        public var facility: Int
        /// HOSTNAME: the forwarder's FQDN (preferred) or IP address; `nil` writes `-`.
        public var hostname: String?
        /// APP-NAME (RFC 5424) and TAG (RFC 3164); `nil` writes `-` / no tag.
        public var appName: String?
        /// PROCID, for example the process id; `nil` writes `-`.
        public var procID: String?
        /// Whether to write the structured-data element (RFC 5424 only).
        public var includesStructuredData: Bool
        /// The SD-ID of that element: `name@<private enterprise number>`.
        public var structuredDataID: String
        /// Whether MSG starts with a UTF-8 byte order mark (RFC 5424 only).
        public var includesByteOrderMark: Bool
        /// RFC 5424 or RFC 3164 header.
        public var headerStyle: HeaderStyle

        /// - Parameters:
        ///   - facility: default 13 (log audit); 10 = authpriv, 16–23 = local0–7.
        ///   - hostname: default `nil` (`-`); the runtime should pass the host's FQDN.
        ///   - appName: default `compliance-forwarder`.
        ///   - procID: default `nil`.
        ///   - includesStructuredData: default `true`.
        ///   - structuredDataID: default `claude@32473`.
        ///   - includesByteOrderMark: default `false`.
        ///   - headerStyle: default ``HeaderStyle/rfc5424``.
        public init(
            facility: Int = 13,
            hostname: String? = nil,
            appName: String? = "compliance-forwarder",
            procID: String? = nil,
            includesStructuredData: Bool = true,
            structuredDataID: String = "claude@32473",
            includesByteOrderMark: Bool = false,
            headerStyle: HeaderStyle = .rfc5424
        ) {
            self.facility = facility
            self.hostname = hostname
            self.appName = appName
            self.procID = procID
            self.includesStructuredData = includesStructuredData
            self.structuredDataID = structuredDataID
            self.includesByteOrderMark = includesByteOrderMark
            self.headerStyle = headerStyle
        }
    }

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

    /// The options this formatter writes with.
    public let configuration: Configuration
    private let facility: Int
    private let legacyHostField: [UInt8]
    private let legacyTagField: [UInt8]
    /// The SD-ID as written (empty: no structured data can be written).
    private let structuredDataIDField: [UInt8]
    /// `" HOSTNAME APP-NAME PROCID "`, the same for every message.
    private let fixedHeaderFields: [UInt8]

    /// - Parameter configuration: output options.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.facility = min(max(configuration.facility, 0), 23)
        let hostnameField = Self.headerField(configuration.hostname, maxLength: 255)
        let appNameField = Self.headerField(configuration.appName, maxLength: 48)
        let procIDField = Self.headerField(configuration.procID, maxLength: 128)
        self.legacyHostField = Self.legacyHost(configuration.hostname)
        self.structuredDataIDField = Self.sdName(configuration.structuredDataID)
        self.fixedHeaderFields =
            [UInt8(ascii: " ")] + hostnameField + [UInt8(ascii: " ")] + appNameField + [UInt8(ascii: " ")] + procIDField
            + [UInt8(ascii: " ")]
        var tag: [UInt8] = []
        if let appName = configuration.appName {
            tag = Self.legacyTag(appName)
            if !tag.isEmpty, let procID = configuration.procID {
                let pid = Self.headerField(procID, maxLength: 128)
                if pid != [UInt8(ascii: "-")] {
                    tag.append(UInt8(ascii: "["))
                    tag.append(contentsOf: pid)
                    tag.append(UInt8(ascii: "]"))
                }
            }
        }
        self.legacyTagField = tag
    }

    /// Syslog severity for a CEF severity: 0–3 (Low) → 6 informational, 4–6 (Medium) → 5 notice,
    /// 7–8 (High) → 4 warning, 9–10 (Very-High) → 2 critical.
    public static func severity(forCEFSeverity cefSeverity: Int) -> Int {
        switch cefSeverity {
        case ...3: 6
        case 4...6: 5
        case 7...8: 4
        default: 2
        }
    }

    /// PRI = facility × 8 + severity, with facility clamped to 0–23 and severity to 0–7 (so 0–191).
    public static func priority(facility: Int, severity: Int) -> Int {
        min(max(facility, 0), 23) * 8 + min(max(severity, 0), 7)
    }

    /// Appends a syslog message for `activity`: the header (MSGID = activity type, structured data
    /// with the activity id, organization and self-generated marker), then the MSG that `message`
    /// appends (typically ``ActivityFormatter/append(_:mapping:context:into:)``).
    public func append(
        _ activity: Activity,
        mapping: ActivityTypeMapping,
        context: ActivityEncodingContext,
        into buffer: inout [UInt8],
        message: (inout [UInt8]) -> Void
    ) {
        // Same bytes as the general `append(severity:…)` with one SD element, written directly: the
        // element and parameter arrays, the SD-ID set and the copied header fields cost more than
        // the rest of the header.
        let severity = Self.severity(forCEFSeverity: mapping.severity)
        guard configuration.headerStyle == .rfc5424 else {
            append(
                severity: severity,
                timestamp: activity.createdAt,
                messageID: nil,
                structuredData: [],
                into: &buffer,
                message: message
            )
            return
        }
        buffer.append(UInt8(ascii: "<"))
        ByteFormatting.appendDecimal(Int64(Self.priority(facility: facility, severity: severity)), into: &buffer)
        buffer.appendStatic(">1 ")
        ByteFormatting.appendRFC3339(activity.createdAt, fraction: .upTo(6), into: &buffer)
        buffer.append(contentsOf: fixedHeaderFields)
        if Self.messageID(for: activity.type) != nil {
            buffer.append(contentsOf: activity.type.utf8)
        } else {
            buffer.append(UInt8(ascii: "-"))
        }
        buffer.append(UInt8(ascii: " "))
        if configuration.includesStructuredData, !structuredDataIDField.isEmpty {
            buffer.append(UInt8(ascii: "["))
            buffer.append(contentsOf: structuredDataIDField)
            buffer.appendStatic(" id=\"")
            Self.appendParameterValue(activity.id, into: &buffer)
            if let organization = activity.organizationID, !organization.isEmpty {
                buffer.appendStatic("\" org=\"")
                Self.appendParameterValue(organization, into: &buffer)
            }
            if context.selfGenerated {
                buffer.appendStatic("\" selfGenerated=\"true")
            }
            buffer.appendStatic("\"]")
        } else {
            buffer.append(UInt8(ascii: "-"))
        }
        appendMessage(into: &buffer, message)
    }

    /// Appends a syslog message with explicit header values.
    ///
    /// - Parameters:
    ///   - severity: 0 (emergency) … 7 (debug).
    ///   - timestamp: `nil` writes `-` (RFC 3164: the epoch).
    ///   - messageID: MSGID, sanitized like the other header fields (max 32); `nil` writes `-`.
    ///   - structuredData: SD elements; empty writes `-`. Ignored for RFC 3164.
    ///   - buffer: receives the message (no framing, no trailing newline).
    ///   - message: appends MSG; when it appends nothing (and there is no BOM) MSG is omitted.
    public func append(
        severity: Int,
        timestamp: RFC3339Timestamp?,
        messageID: String?,
        structuredData: [StructuredDataElement],
        into buffer: inout [UInt8],
        message: (inout [UInt8]) -> Void
    ) {
        buffer.append(UInt8(ascii: "<"))
        ByteFormatting.appendDecimal(Int64(Self.priority(facility: facility, severity: severity)), into: &buffer)
        buffer.append(UInt8(ascii: ">"))
        if configuration.headerStyle == .rfc3164 {
            appendLegacyHeader(timestamp: timestamp, into: &buffer)
            message(&buffer)
            return
        }
        buffer.append(UInt8(ascii: "1"))
        buffer.append(UInt8(ascii: " "))
        if let timestamp {
            ByteFormatting.appendRFC3339(timestamp, fraction: .upTo(6), into: &buffer)
        } else {
            buffer.append(UInt8(ascii: "-"))
        }
        buffer.append(contentsOf: fixedHeaderFields)
        buffer.append(contentsOf: Self.headerField(messageID, maxLength: 32))
        buffer.append(UInt8(ascii: " "))
        Self.appendStructuredData(structuredData, into: &buffer)
        appendMessage(into: &buffer, message)
    }

    /// Appends the separator, the optional BOM and MSG after the structured data; an empty MSG
    /// (without a BOM) is left out together with its separator, as RFC 5424 allows.
    private func appendMessage(into buffer: inout [UInt8], _ message: (inout [UInt8]) -> Void) {
        let headerEnd = buffer.count
        buffer.append(UInt8(ascii: " "))
        if configuration.includesByteOrderMark {
            buffer.append(contentsOf: [0xEF, 0xBB, 0xBF])
        }
        let messageStart = buffer.count
        message(&buffer)
        if buffer.count == messageStart, !configuration.includesByteOrderMark {
            buffer.removeSubrange(headerEnd...)
        }
    }

    /// MSGID for an activity type: the type when it is 1–32 printable US-ASCII characters, else `nil`
    /// (`-`); a cut type would be misleading.
    public static func messageID(for type: String) -> String? {
        var text = type
        let fits = text.withUTF8 { bytes in (1...32).contains(bytes.count) && bytes.allSatisfy { $0 >= 33 && $0 <= 126 }
        }
        return fits ? type : nil
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

    // MARK: - RFC 3164

    private static let months: [[UInt8]] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ].map { Array($0.utf8) }

    private func appendLegacyHeader(timestamp: RFC3339Timestamp?, into buffer: inout [UInt8]) {
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
