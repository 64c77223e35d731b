import ComplianceAPI
import ForwarderCore

/// Turns an event into one line of a sink's format (ECS JSON, CEF or the raw record).
public struct EventEncoder: Sendable {
    public let formatter: ActivityEncoder

    public init(formatter: ActivityEncoder) {
        self.formatter = formatter
    }

    /// The encoder for a configured format.
    public init(format: ForwarderConfiguration.Sink.Format) {
        self.init(formatter: ActivityEncoder(format: OutputFormat(rawValue: format.name) ?? .ecs))
    }

    /// The original record, byte for byte.
    public static let raw = EventEncoder(formatter: ActivityEncoder(format: .raw))

    /// Appends the event's encoding without a terminator.
    public func append(_ event: Event, readAt: RFC3339Timestamp, to bytes: inout [UInt8]) {
        formatter.append(
            event.activity,
            context: ActivityEncodingContext(
                readTime: readAt,
                selfGenerated: event.selfGenerated,
                recordHash: event.recordHash,
                sourceName: event.sourceName
            ),
            into: &bytes
        )
    }

    /// Appends the event's line, terminated by LF (every format escapes embedded line breaks).
    public func appendLine(_ event: Event, readAt: RFC3339Timestamp, to bytes: inout [UInt8]) {
        append(event, readAt: readAt, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }
}
