import ComplianceAPI
import ForwarderCore

/// Turns an event into one line of a sink's format (ECS JSON, CEF or the raw record).
public struct EventEncoder: Sendable {
    public let formatter: ActivityFormatter

    public init(formatter: ActivityFormatter) {
        self.formatter = formatter
    }

    /// The encoder for a configured format; unknown activity types are counted in `unknownTypes`.
    public init(format: ForwarderConfiguration.Sink.Format, unknownTypes: UnknownActivityTypes? = nil) {
        self.init(
            formatter: ActivityFormatter(
                format: OutputFormat(rawValue: format.name) ?? .ecs,
                unknownTypes: unknownTypes
            )
        )
    }

    /// The original record, byte for byte.
    public static let raw = EventEncoder(formatter: ActivityFormatter(format: .raw))

    /// Appends the event's encoding without a terminator.
    public func append(_ event: Event, readAt: RFC3339Timestamp, to bytes: inout [UInt8]) {
        formatter.append(
            event.activity,
            context: ActivityEncodingContext(
                readTime: readAt,
                selfGenerated: event.selfGenerated,
                recordHash: event.recordHash
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
