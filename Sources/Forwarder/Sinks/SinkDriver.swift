import Logging
import Synchronization

/// Runs one sink outside the pipeline over batches prepared in advance (benchmarks, embedding).
///
/// The sink sees exactly what the pipeline would give it: a bounded channel of batches and a
/// context whose acknowledgements are counted instead of checkpointed.
public enum SinkDriver {
    /// What the sink acknowledged.
    public struct Result: Sendable {
        /// Events acknowledged (delivered or dead-lettered).
        public var acknowledged: Int
    }

    /// Feeds `batches` to `sink`, closes its input, and returns once the sink has finished.
    ///
    /// - Parameters:
    ///   - deadLetterDirectory: Where the sink's permanent rejections go.
    ///   - channelEvents: The input channel's bound, as `pipeline.channel.max_events`.
    public static func run(
        _ sink: any Sink,
        batches: [Batch],
        deadLetterDirectory: String,
        channelEvents: Int = 10_000,
        logger: Logger
    ) async throws -> Result {
        let acknowledger = CountingAcknowledger()
        let deadLetters = DeadLetterWriter(directory: deadLetterDirectory)
        defer { deadLetters.close() }
        let context = SinkContext(
            index: 0,
            name: sink.name,
            acknowledger: acknowledger,
            deadLetters: deadLetters,
            logger: logger,
            metrics: SinkMetrics(sink: sink.name)
        )
        let channel = SinkChannel(maximumEvents: channelEvents, maximumBytes: 256 << 20)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await run(sink, from: channel, context: context) }
            for batch in batches { try await channel.send(.batch(batch)) }
            channel.finish()
            try await group.waitForAll()
        }
        return Result(acknowledged: acknowledger.count)
    }

    /// Runs `sink` over `channel` with the sink's timer beside it (the pipeline's way too), so
    /// time-based work happens whether or not batches come. Returns when the sink does.
    static func run(_ sink: any Sink, from channel: SinkChannel, context: SinkContext) async throws {
        let stream = channel.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { timer in
            timer.addTask { await channel.runTicks(every: sink.tickInterval) }
            defer { timer.cancelAll() }
            try await sink.run(input: stream, context: context)
        }
    }

    private final class CountingAcknowledger: Acknowledger {
        private let total = Atomic(0)

        var count: Int { total.load(ordering: .relaxed) }

        func acknowledge(sink: Int, batch: UInt64, events: some Sequence<Int>) {
            var n = 0
            for _ in events { n += 1 }
            total.add(n, ordering: .relaxed)
        }
    }
}
