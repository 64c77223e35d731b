import ComplianceAPI

/// Turns an activity into one line of a sink's ``OutputFormat``: what every sink calls.
///
/// The line is appended without a terminator; the sink adds its framing (`\n` for NDJSON files,
/// octet counting for syslog, …).
///
/// ``append(_:context:into:)`` looks the type up in ``ActivityMappingTable``; a caller that already
/// holds the row calls ``append(_:mapping:context:into:)``. Unknown types are counted once per
/// activity by the poller, not here (a formatter runs once per sink).
public struct ActivityEncoder: Sendable {
    /// The format written.
    public var format: OutputFormat
    /// Used for ``OutputFormat/ecs``.
    public var ecs: ECSEncoder
    /// Used for ``OutputFormat/cef``.
    public var cef: CEFEncoder

    /// - Parameters:
    ///   - format: the line format.
    ///   - ecs: the ECS encoder (default options).
    ///   - cef: the CEF encoder (default options).
    public init(format: OutputFormat, ecs: ECSEncoder = ECSEncoder(), cef: CEFEncoder = CEFEncoder()) {
        self.format = format
        self.ecs = ecs
        self.cef = cef
    }

    /// Appends the line for `activity`, looking its type up.
    public func append(_ activity: Activity, context: ActivityEncodingContext, into buffer: inout [UInt8]) {
        if format == .raw {
            Self.appendRaw(activity, into: &buffer)
            return
        }
        append(activity, mapping: ActivityMappingTable.mapping(for: activity.type), context: context, into: &buffer)
    }

    /// Appends the line for `activity` with an already resolved `mapping`.
    public func append(
        _ activity: Activity,
        mapping: ActivityTypeMapping,
        context: ActivityEncodingContext,
        into buffer: inout [UInt8]
    ) {
        switch format {
        case .cef: cef.encode(activity, mapping: mapping, context: context, into: &buffer)
        case .raw: Self.appendRaw(activity, into: &buffer)
        default: ecs.encode(activity, mapping: mapping, context: context, into: &buffer)
        }
    }

    /// The original record on one line: a CR or LF in JSON text can only be white space between
    /// tokens (inside strings they are escaped), so replacing it by a space keeps the same JSON and
    /// guarantees one record per line even if the API pretty-printed.
    static func appendRaw(_ activity: Activity, into buffer: inout [UInt8]) {
        activity.withRawJSONBytes { bytes in
            var runStart = 0
            for index in 0..<bytes.count where bytes[index] == 0x0A || bytes[index] == 0x0D {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                buffer.append(UInt8(ascii: " "))
                runStart = index + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
    }
}
