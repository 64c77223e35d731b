import ComplianceAPI
import ForwarderCore

/// Turns an event into one line of a sink's format, appended to a buffer (with its LF).
public struct EventEncoder: Sendable {
    private let encode: @Sendable (Event, RFC3339Timestamp, inout [UInt8]) -> Void

    /// The original record, byte for byte.
    public static let raw = EventEncoder { event, _, bytes in
        bytes.append(contentsOf: event.activity.rawJSON.utf8)
    }

    public init(_ encode: @escaping @Sendable (Event, RFC3339Timestamp, inout [UInt8]) -> Void) {
        self.encode = encode
    }

    /// Appends the event's line, terminated by LF (embedded line breaks are escaped by every format).
    public func appendLine(_ event: Event, readAt: RFC3339Timestamp, to bytes: inout [UInt8]) {
        encode(event, readAt, &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }
}
