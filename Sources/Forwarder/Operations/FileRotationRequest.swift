import Synchronization

/// Asks file sinks to close their active segment (SIGHUP), so that tools moving or shipping the
/// archive see only complete files. A sink acts on it at its next input: a batch, or the
/// pipeline's tick after each poll cycle (at most `source.poll_interval` later).
public final class FileRotationRequest: Sendable {
    private let generation = Atomic<UInt64>(0)

    public init() {}

    /// Requests a rotation from every sink holding this object.
    public func request() {
        generation.add(1, ordering: .relaxed)
    }

    /// The number of requests so far; a sink rotates when it differs from the last one it saw.
    public var current: UInt64 { generation.load(ordering: .relaxed) }
}
