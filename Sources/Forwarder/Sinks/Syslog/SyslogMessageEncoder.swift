import ComplianceAPI
import ForwarderCore

/// Turns events into framed syslog messages: header, payload, framing, and the size limit.
///
/// Oversize policy: a message longer than ``maximumMessageBytes`` (header + MSG, before framing)
/// is never split and never sent whole. Its MSG is cut on a UTF-8 character boundary so the
/// message fits exactly, and it is marked: RFC 5424 adds `truncated="<original MSG bytes>"` to the
/// structured data (next to the activity `id`, so the event stays findable in the SIEM), RFC 3164
/// ends the MSG with ` [truncated]`. The sink also writes the complete record to its dead-letter
/// file and counts it. Receivers need this: rsyslog turns the tail of an oversized frame into bogus
/// extra records, and syslog-ng closes the connection, losing everything after it.
struct SyslogMessageEncoder: Sendable {
    /// How messages are delimited in the byte stream.
    enum Framing: Sendable {
        /// `LEN SP MSG` (RFC 5425 / RFC 6587).
        case octetCounting
        /// `MSG LF`, with CR/LF inside the message replaced by spaces.
        case newline
        /// One message per datagram (UDP): no delimiter.
        case datagram
    }

    /// The smallest limit accepted: every receiver must take 480 octets (RFC 5424 §6.1).
    static let minimumMessageBytes = 480
    static let truncationSuffix = Array(" [truncated]".utf8)

    let syslog: SyslogHeaderEncoder
    let payload: ActivityEncoder
    let framing: Framing
    let maximumMessageBytes: Int

    init(syslog: SyslogHeaderEncoder, payload: ActivityEncoder, framing: Framing, maximumMessageBytes: Int) {
        self.syslog = syslog
        self.payload = payload
        self.framing = framing
        self.maximumMessageBytes = max(maximumMessageBytes, Self.minimumMessageBytes)
    }

    /// The outcome for one event.
    struct Encoded: Sendable {
        /// The framed bytes to send.
        var frame: [UInt8]
        /// The MSG length before truncation, when it was truncated.
        var truncatedFrom: Int?
    }

    /// Encodes `event`; the mapping is resolved once here for the header and the payload.
    func encode(_ event: Event, readAt: RFC3339Timestamp) -> Encoded {
        var scratch: [UInt8] = []
        return encode(event, readAt: readAt, scratch: &scratch)
    }

    /// Encodes and frames `event`, building the message in `scratch` (see ``encodeMessage(_:readAt:into:)``).
    func encode(_ event: Event, readAt: RFC3339Timestamp, scratch message: inout [UInt8]) -> Encoded {
        let truncatedFrom = encodeMessage(event, readAt: readAt, into: &message)
        return Encoded(frame: frame(message), truncatedFrom: truncatedFrom)
    }

    /// Writes the unframed message for `event` into `message` (emptied first, capacity kept, so a
    /// batch reuses one array) and returns the MSG length before truncation when it was truncated.
    func encodeMessage(_ event: Event, readAt: RFC3339Timestamp, into message: inout [UInt8]) -> Int? {
        message.removeAll(keepingCapacity: true)
        let activity = event.activity
        let context = ActivityEncodingContext(
            readTime: readAt,
            selfGenerated: event.selfGenerated,
            sourceName: event.sourceName
        )
        let mapping = ActivityMappingTable.mapping(for: activity.type)
        var messageStart = 0
        syslog.append(activity, mapping: mapping, context: context, into: &message) { buffer in
            messageStart = buffer.count
            payload.append(activity, mapping: mapping, context: context, into: &buffer)
        }
        guard message.count > maximumMessageBytes else { return nil }
        let originalLength = message.count - messageStart
        message = truncated(event, mapping: mapping, context: context, originalLength: originalLength)
        return originalLength
    }

    /// The unframed message for an `archive_segment_sealed` event: MSGID `archive_segment_sealed`,
    /// structured data naming the segment and the manifest's SHA-256, the payload in the sink's
    /// format. Never truncated: an anchor is about 1 KB, far below the smallest limit allowed.
    func encodeAnchorMessage(_ anchor: ArchiveAnchor) -> [UInt8] {
        var message: [UInt8] = []
        var elements: [SyslogHeaderEncoder.StructuredDataElement] = []
        if syslog.configuration.includesStructuredData {
            elements.append(
                .init(
                    id: syslog.configuration.structuredDataID,
                    parameters: [
                        .init(name: "segment", value: anchor.segment),
                        .init(name: "manifestSha256", value: anchor.manifestSHA256),
                    ]
                )
            )
        }
        syslog.append(
            severity: SyslogHeaderEncoder.severity(forCEFSeverity: 3),
            timestamp: RFC3339Timestamp(anchor.sealedAt),
            messageID: ArchiveAnchor.action,
            structuredData: elements,
            into: &message
        ) { buffer in
            payload.appendAnchor(anchor, into: &buffer)
        }
        return message
    }

    /// Rebuilds the message with the truncation mark, cutting MSG to fit.
    private func truncated(
        _ event: Event,
        mapping: ActivityTypeMapping,
        context: ActivityEncodingContext,
        originalLength: Int
    ) -> [UInt8] {
        let activity = event.activity
        var message: [UInt8] = []
        var messageStart = 0
        let isLegacy = syslog.configuration.headerStyle == .rfc3164
        var elements: [SyslogHeaderEncoder.StructuredDataElement] = []
        if syslog.configuration.includesStructuredData {
            var parameters: [SyslogHeaderEncoder.StructuredDataElement.Parameter] = [
                .init(name: "id", value: activity.id)
            ]
            if let organization = activity.organizationID, !organization.isEmpty {
                parameters.append(.init(name: "org", value: organization))
            }
            if event.selfGenerated { parameters.append(.init(name: "selfGenerated", value: "true")) }
            parameters.append(.init(name: "truncated", value: String(originalLength)))
            elements.append(.init(id: syslog.configuration.structuredDataID, parameters: parameters))
        }
        syslog.append(
            severity: SyslogHeaderEncoder.severity(forCEFSeverity: mapping.severity),
            timestamp: activity.createdAt,
            messageID: SyslogHeaderEncoder.messageID(for: activity.type),
            structuredData: elements,
            into: &message
        ) { buffer in
            messageStart = buffer.count
            payload.append(activity, mapping: mapping, context: context, into: &buffer)
        }
        let suffix = isLegacy || !syslog.configuration.includesStructuredData ? Self.truncationSuffix : []
        let budget = maximumMessageBytes - suffix.count
        guard budget > messageStart else {
            // The header alone does not fit (an absurd organization id): send the header only.
            message.removeSubrange(min(messageStart, message.count)...)
            return Array(message.prefix(maximumMessageBytes))
        }
        message.removeSubrange(Self.utf8Boundary(in: message, atOrBefore: budget, notBefore: messageStart)...)
        message.append(contentsOf: suffix)
        return message
    }

    /// The largest index ≤ `limit` that does not split a UTF-8 sequence (a continuation byte
    /// `10xxxxxx` is never the first byte cut off).
    static func utf8Boundary(in bytes: [UInt8], atOrBefore limit: Int, notBefore floor: Int) -> Int {
        var cut = min(limit, bytes.count)
        while cut > floor, cut < bytes.count, bytes[cut] & 0xC0 == 0x80 {
            cut -= 1
        }
        return cut
    }

    /// Applies the framing; the result is a new array of exactly the frame's size.
    func frame(_ message: [UInt8]) -> [UInt8] {
        var framed: [UInt8] = []
        framed.reserveCapacity(message.count + 8)
        Self.appendFrame(message, framing: framing, into: &framed)
        return framed
    }

    /// Appends `message` framed as `framing` says.
    static func appendFrame(_ message: [UInt8], framing: Framing, into buffer: inout [UInt8]) {
        switch framing {
        case .octetCounting: SyslogFraming.appendOctetCounted(message, into: &buffer)
        case .newline: SyslogFraming.appendLineTerminated(message, into: &buffer)
        case .datagram: buffer.append(contentsOf: message)
        }
    }
}
