public import ComplianceAPI

/// Where the first run starts reading the activity feed: a fixed instant, "now", or a span
/// before now (`-7d`).
///
/// Only the first run uses it: later runs resume from the checkpoint. A relative start is
/// resolved when the forwarder starts, not when the file is loaded, so ``resolved(now:)`` takes
/// the clock's reading.
public struct StartPosition: Sendable, Hashable, CustomStringConvertible {
    private enum Backing: Hashable {
        case timestamp(RFC3339Timestamp)
        case now
        case ago(Duration)
    }

    private let backing: Backing

    private init(_ backing: Backing) {
        self.backing = backing
    }

    /// Starts at a fixed instant.
    public static func timestamp(_ timestamp: RFC3339Timestamp) -> StartPosition {
        StartPosition(.timestamp(timestamp))
    }

    /// Starts at the moment the forwarder starts: no history is read.
    public static let now = StartPosition(.now)

    /// Starts `duration` before the moment the forwarder starts.
    public static func ago(_ duration: Duration) -> StartPosition {
        StartPosition(.ago(duration))
    }

    /// Parses `now`, an RFC 3339 date-time (`2026-01-01T00:00:00Z`), or a minus sign and a
    /// duration (`-7d`, `-12h`, `-1h30m`); `nil` for anything else.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace()
        if trimmed == "now" {
            self = .now
        } else if trimmed.hasPrefix("-"), let duration = ConfigurationSyntax.duration(String(trimmed.dropFirst())) {
            self = .ago(duration)
        } else if let timestamp = RFC3339Timestamp(trimmed) {
            self = .timestamp(timestamp)
        } else {
            return nil
        }
    }

    /// The fixed instant, when the start is one.
    public var timestamp: RFC3339Timestamp? {
        if case .timestamp(let value) = backing { return value }
        return nil
    }

    /// The span before now, when the start is relative (zero for ``now``).
    public var offset: Duration? {
        switch backing {
        case .timestamp: nil
        case .now: .zero
        case .ago(let duration): duration
        }
    }

    /// The instant to start from, given the current time.
    public func resolved(now: RFC3339Timestamp) -> RFC3339Timestamp {
        switch backing {
        case .timestamp(let value): value
        case .now: now
        case .ago(let duration): now.adding(.zero - duration)
        }
    }

    /// `2026-01-01T00:00:00.000Z`, `now` or `-7d`: the way the file spells it.
    public var description: String {
        switch backing {
        case .timestamp(let value): value.description
        case .now: "now"
        case .ago(let duration): "-" + ConfigurationSyntax.format(duration)
        }
    }
}
