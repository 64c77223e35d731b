/// The frames acknowledged but not yet known to be processed by the receiver, kept to re-send
/// after a reconnect (at-least-once: a duplicate is better than a loss).
///
/// A frame leaves the window when it is older than ``retention`` *and* the connection it was
/// written on is still up (the caller only calls ``prune(now:)`` on a usable connection), or when
/// the window is over its count or byte limit (the oldest go first and are counted as evicted).
struct SyslogResendWindow {
    private struct Entry {
        var frame: [UInt8]
        var writtenAt: ContinuousClock.Instant
    }

    let retention: Duration
    let maximumEvents: Int
    let maximumBytes: Int
    private var entries: [Entry] = []
    private var head = 0
    private(set) var byteCount = 0
    /// Frames dropped by the limits before they were confirmed.
    private(set) var evicted = 0

    init(retention: Duration, maximumEvents: Int, maximumBytes: Int) {
        self.retention = retention
        self.maximumEvents = max(0, maximumEvents)
        self.maximumBytes = max(0, maximumBytes)
    }

    var count: Int { entries.count - head }

    /// Remembers frames just written.
    mutating func append(_ frames: [[UInt8]], at now: ContinuousClock.Instant) {
        guard maximumEvents > 0 else { return }
        for frame in frames {
            entries.append(Entry(frame: frame, writtenAt: now))
            byteCount += frame.count
        }
        while count > maximumEvents || (byteCount > maximumBytes && count > 0) {
            byteCount -= entries[head].frame.count
            head += 1
            evicted += 1
        }
        compact()
    }

    /// Forgets frames old enough to count as processed (call only while the connection is up).
    mutating func prune(now: ContinuousClock.Instant) {
        while head < entries.count, now - entries[head].writtenAt > retention {
            byteCount -= entries[head].frame.count
            head += 1
        }
        compact()
    }

    /// Everything to re-send on a new connection, oldest first; they count as written `now`.
    mutating func framesForResend(at now: ContinuousClock.Instant) -> [[UInt8]] {
        for index in head..<entries.count { entries[index].writtenAt = now }
        return entries[head...].map(\.frame)
    }

    private mutating func compact() {
        if head > 1024, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
