import NIOCore

/// The frames acknowledged but not yet known to be processed by the receiver, kept to re-send
/// after a reconnect (at-least-once: a duplicate is better than a loss).
///
/// Frames are kept in the write chunks they were sent in (see ``SyslogFrames``), so limits apply
/// per chunk: a chunk leaves the window when it is older than ``retention`` *and* the connection it
/// was written on is still up (the caller only calls ``prune(now:)`` on a usable connection), or
/// when the window is over its message or byte limit (the oldest go first, and their messages are
/// counted as evicted).
struct SyslogResendWindow {
    private struct Entry {
        var chunk: ByteBuffer
        var messages: Int
        var writtenAt: ContinuousClock.Instant
    }

    let retention: Duration
    let maximumEvents: Int
    let maximumBytes: Int
    private var entries: [Entry] = []
    private var head = 0
    private(set) var byteCount = 0
    /// Messages held.
    private(set) var count = 0
    /// Messages dropped by the limits before they were confirmed.
    private(set) var evicted = 0

    init(retention: Duration, maximumEvents: Int, maximumBytes: Int) {
        self.retention = retention
        self.maximumEvents = max(0, maximumEvents)
        self.maximumBytes = max(0, maximumBytes)
    }

    /// Remembers frames just written.
    mutating func append(_ frames: SyslogFrames, at now: ContinuousClock.Instant) {
        guard maximumEvents > 0 else { return }
        for (chunk, messages) in zip(frames.chunks, frames.messageCounts) {
            entries.append(Entry(chunk: chunk, messages: messages, writtenAt: now))
            byteCount += chunk.readableBytes
            count += messages
        }
        while count > maximumEvents || (byteCount > maximumBytes && count > 0) {
            evicted += entries[head].messages
            dropHead()
        }
        compact()
    }

    /// Forgets chunks older than the retention (call only while the connection is healthy).
    mutating func prune(now: ContinuousClock.Instant) {
        while head < entries.count, now - entries[head].writtenAt > retention {
            dropHead()
        }
        compact()
    }

    /// Everything held, oldest first, as written again at `now` (so it is kept another retention).
    mutating func chunksForResend(at now: ContinuousClock.Instant) -> [ByteBuffer] {
        for index in head..<entries.count { entries[index].writtenAt = now }
        return entries[head...].map(\.chunk)
    }

    private mutating func dropHead() {
        byteCount -= entries[head].chunk.readableBytes
        count -= entries[head].messages
        head += 1
    }

    private mutating func compact() {
        if head > 1024, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
