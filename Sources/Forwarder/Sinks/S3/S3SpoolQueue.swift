import Synchronization

/// Sealed spool segments waiting for upload, in sealing order, with the acknowledgements each
/// one releases and the bytes they hold on disk.
///
/// The writer task enqueues and waits for room (back-pressure: while the spool holds more than
/// its bound, the sink takes no input, so the channel fills and the source pauses); the upload
/// task takes segments in order and releases their bytes once the store has them.
final class S3SpoolQueue: Sendable {
    /// One sealed segment.
    struct Sealed: Sendable {
        /// The spool file's name.
        var segment: String
        /// Its size on disk.
        var bytes: Int
        /// The batches (and their events) the upload acknowledges; empty for segments left by
        /// an earlier run, whose events that run never acknowledged.
        var acknowledgements: [(batch: UInt64, events: [Int])]
        /// Left in the spool by an earlier run (see ``S3RecoveredEvents``).
        var recovered = false

        var eventCount: Int { acknowledgements.reduce(0) { $0 + $1.events.count } }
    }

    let segments: AsyncStream<Sealed>
    private let input: AsyncStream<Sealed>.Continuation
    private let state = Mutex<(bytes: Int, waiter: CheckedContinuation<Void, Never>?)>((0, nil))

    init() {
        (segments, input) = AsyncStream.makeStream(of: Sealed.self)
    }

    /// Bytes of sealed segments not yet uploaded.
    var pendingBytes: Int { state.withLock { $0.bytes } }

    func enqueue(_ sealed: Sealed) {
        state.withLock { $0.bytes += sealed.bytes }
        input.yield(sealed)
    }

    /// No more segments: the upload task ends after the last one.
    func finish() { input.finish() }

    /// The upload of `sealed` is confirmed and its file removed.
    func release(_ sealed: Sealed) {
        let waiter = state.withLock { state in
            state.bytes -= sealed.bytes
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns once the pending bytes are below `limit` (at once when they already are), or when
    /// the task is cancelled. One waiter at a time: only the writer task calls it.
    func waitForRoom(below limit: Int) async {
        while pendingBytes >= limit, !Task.isCancelled {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    // Checked under the lock: a release or a cancellation that came first is seen.
                    let resumeNow = state.withLock { state in
                        if state.bytes < limit || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }
}
