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
public struct SyslogHeaderEncoder: Sendable {
    /// The options this formatter writes with.
    public let configuration: Configuration
    private let facility: Int
    let legacyHostField: [UInt8]
    let legacyTagField: [UInt8]
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
    /// appends (typically ``ActivityEncoder/append(_:mapping:context:into:)``).
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
}
