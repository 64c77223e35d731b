/// One event in its wire form, with what the sink needs to acknowledge or dead-letter it.
struct EncodedEvent: Sendable {
    /// The pipeline batch and position, for the acknowledgement.
    var batch: UInt64
    var index: Int
    /// The activity id (Elasticsearch `_id`, HEC `activity_id`, logs).
    var activityID: String
    /// The original record, for the dead-letter file.
    var record: String
    /// Where the event's bytes are in the shared buffer of its ``EncodedEvents``.
    var range: Range<Int>
}

/// A run of encoded events sharing one byte buffer: a whole pipeline batch, or a part of one.
///
/// Every event of a batch is encoded once, back to back, into one buffer; requests, splits and
/// retries are slices of it. Copying an `EncodedEvents` shares the buffer (copy-on-write), so
/// keeping a request around for an acknowledgement or a retry does not copy bytes.
struct EncodedEvents: Sendable {
    var bytes: [UInt8]
    var events: [EncodedEvent]

    init(bytes: [UInt8] = [], events: [EncodedEvent] = []) {
        self.bytes = bytes
        self.events = events
    }

    var isEmpty: Bool { events.isEmpty }
    var count: Int { events.count }

    /// Encoded bytes of the events, without request framing.
    var byteCount: Int { events.reduce(0) { $0 + $1.range.count } }

    /// The same buffer with a subset of the events.
    func with(_ events: some Sequence<EncodedEvent>) -> EncodedEvents {
        EncodedEvents(bytes: bytes, events: Array(events))
    }

    /// Splits into consecutive runs of at most `maximumEvents` events and about `maximumBytes`
    /// bytes each (`framing` bytes counted per event). An event larger than `maximumBytes` goes
    /// alone: it may still be accepted, and if not the receiver's 413 dead-letters it.
    func split(maximumEvents: Int, maximumBytes: Int, framing: Int) -> [EncodedEvents] {
        var chunks: [EncodedEvents] = []
        var start = 0
        var bytesInChunk = 0
        for (offset, event) in events.enumerated() {
            let size = event.range.count + framing
            let count = offset - start
            if count > 0, count >= maximumEvents || bytesInChunk + size > maximumBytes {
                chunks.append(with(events[start..<offset]))
                start = offset
                bytesInChunk = 0
            }
            bytesInChunk += size
        }
        if start < events.count { chunks.append(with(events[start...])) }
        return chunks
    }

    /// The two halves, for locating a rejected event or getting under a size limit.
    func halves() -> (EncodedEvents, EncodedEvents) {
        let middle = events.count / 2
        return (with(events[..<middle]), with(events[middle...]))
    }

    /// Appends every event's bytes, each followed by `separator` when given.
    func appendEach(to body: inout [UInt8], separator: UInt8?) {
        bytes.withUnsafeBufferPointer { buffer in
            for event in events {
                body.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[event.range]))
                if let separator { body.append(separator) }
            }
        }
    }
}
