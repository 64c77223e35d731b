import ComplianceAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one line per event to standard output (for `demo` and for trying a format out).
public struct ConsoleSink: Sink {
    public let name: String
    let encoder: EventEncoder

    public init(name: String, encoder: EventEncoder) {
        self.name = name
        self.encoder = encoder
    }

    public func run(input: SinkChannel.Stream, context: SinkContext) async throws {
        var buffer: [UInt8] = []
        for await item in input {
            guard case .batch(let batch) = item else { continue }
            buffer.removeAll(keepingCapacity: true)
            let readAt = RFC3339Timestamp.now
            for event in batch.events { encoder.appendLine(event, readAt: readAt, to: &buffer) }
            buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 {
                        if errno == EINTR { continue }
                        break
                    }
                    offset += written
                }
            }
            context.acknowledge(batch)
            context.metrics.delivered.increment(by: batch.events.count)
        }
    }
}
