import AsyncAlgorithms
import Synchronization

/// A bounded channel from the source to one sink, bounded by events and by bytes.
///
/// Built on `MultiProducerSingleConsumerAsyncChannel`: `send` suspends while the channel is above
/// its high watermark, so a slow or dead sink stops the source instead of growing memory. Both
/// bounds are folded into one water level: a batch weighs `max(bytes, events × bytesPerEvent)`
/// where `bytesPerEvent = maxBytes / maxEvents`, so staying under `maxBytes` of weight keeps both
/// the byte count and the event count under their limits. A send that crosses the high mark is
/// accepted and then waits, so a channel holds at most its bounds plus one batch (one page).
///
/// Time reaches the sink through the same stream, as `.tick`s from the channel's own timer
/// (``runTicks(every:)``), never from the source: a source stuck retrying a failing API must not
/// keep an archive segment open past its `max_age`.
/// - Note: `@unchecked Sendable` because the producer side (`send`, `finish`) is used by the poller
///   task alone, and the timer's producer (a second source) by the ``runTicks(every:)`` task alone;
///   the consumer side is the `Sendable` ``Stream``.
public final class SinkChannel: @unchecked Sendable {
    typealias Channel = MultiProducerSingleConsumerAsyncChannel<SinkInput, Never>

    /// Events and bytes currently queued (for the channel-depth metric and tests).
    public let depth: Depth
    private var source: Channel.Source?
    private var tickSource: Channel.Source?
    private var channel: Channel?
    private let tickPending = TickPending()

    public final class Depth: Sendable {
        private let state = Mutex<(events: Int, bytes: Int)>((0, 0))

        public var events: Int { state.withLock { $0.events } }
        public var bytes: Int { state.withLock { $0.bytes } }

        func add(_ input: SinkInput, sign: Int) {
            guard case .batch(let batch) = input else { return }
            let bytes = batch.byteSize
            state.withLock {
                $0.events += sign * batch.events.count
                $0.bytes += sign * bytes
            }
        }
    }

    init(maximumEvents: Int, maximumBytes: Int) {
        let events = max(1, maximumEvents)
        let bytesPerEvent = max(1, (maximumBytes + events - 1) / events)
        var made = Channel.makeChannel(
            of: SinkInput.self,
            backpressureStrategy: .watermark(low: maximumBytes / 2, high: maximumBytes) { input in
                guard case .batch(let batch) = input else { return 0 }
                return max(batch.byteSize, batch.events.count * bytesPerEvent)
            }
        )
        channel = made.takeChannel()
        var source = consume made.source
        tickSource = source.makeAdditionalSource()
        self.source = consume source
        depth = Depth()
    }

    /// Sends `input`, waiting while the channel is full. Throws when the consumer is gone.
    func send(_ input: SinkInput) async throws {
        guard var source = source.take() else { throw CancellationError() }
        depth.add(input, sign: 1)
        do {
            try await source.send(input)
            self.source = consume source
        } catch {
            self.source = consume source
            depth.add(input, sign: -1)
            throw error
        }
    }

    /// Sends a `.tick` every `interval` until the channel finishes or the task is cancelled; call
    /// once. A tick the sink has not consumed yet is not repeated, so a busy sink finds at most one
    /// waiting. Never finishes the channel: the source does.
    func runTicks(every interval: Duration) async {
        guard var ticks = tickSource.take() else { return }
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { break }
            if tickPending.set() { continue }
            do { try await ticks.send(.tick) } catch { break }
        }
        // Dropping this source does not end the stream while the source's own is alive.
        _ = consume ticks
    }

    /// Ends the stream: the consumer gets everything queued, then the end.
    func finish() {
        source.take()?.finish()
    }

    /// The consumer's side; call once.
    func makeStream() -> Stream {
        guard let channel = channel.take() else { return Stream(base: nil, depth: depth, tickPending: tickPending) }
        return Stream(base: channel.elements(), depth: depth, tickPending: tickPending)
    }

    /// The consumer's view: every input, in order, until the source finishes.
    public struct Stream: AsyncSequence, Sendable {
        public typealias Element = SinkInput
        let base: (any AsyncSequence<SinkInput, Never> & Sendable)?
        public let depth: Depth
        let tickPending: TickPending

        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: (any AsyncIteratorProtocol<SinkInput, Never>)?
            public let depth: Depth
            let tickPending: TickPending

            public mutating func next() async -> SinkInput? {
                guard var iterator = base else { return nil }
                let input = await iterator.next(isolation: nil)
                base = iterator
                if case .tick = input {
                    tickPending.clear()
                } else if let input {
                    depth.add(input, sign: -1)
                }
                return input
            }
        }

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: base?.makeAsyncIterator(), depth: depth, tickPending: tickPending)
        }
    }
}

/// Whether a `.tick` is queued and not yet consumed.
final class TickPending: Sendable {
    private let pending = Atomic(false)

    /// Marks a tick as queued; returns whether one already was.
    func set() -> Bool { pending.exchange(true, ordering: .acquiringAndReleasing) }

    func clear() { pending.store(false, ordering: .releasing) }
}
