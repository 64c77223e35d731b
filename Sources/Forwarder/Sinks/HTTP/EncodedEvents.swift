/// One event in its wire form, with what the sink needs to acknowledge or dead-letter it.
struct EncodedEvent: Sendable, Equatable {
    /// The pipeline batch and position, for the acknowledgement.
    var batch: UInt64
    var index: Int
    /// The activity id (Elasticsearch `_id`, HEC `activity_id`, logs).
    var activityID: String
    /// The original record, for the dead-letter file.
    var record: String
    /// Where the event's bytes are in the shared buffer of its ``EncodedEvents``.
    var range: Range<Int>
    /// Times in a row the receiver deferred it for overload (`_bulk` 429/503 items).
    var deferrals = 0
}

/// A run of encoded events sharing one byte buffer: a whole pipeline batch, or a part of one.
///
/// Every event of a batch is encoded once, back to back, into one buffer; requests, splits and
/// retries are slices of it. Copying an `EncodedEvents` shares the buffer (copy-on-write), so
/// keeping a request around for an acknowledgement or a retry does not copy bytes.
struct EncodedEvents: Sendable, Equatable {
    var bytes: [UInt8]
    var events: [EncodedEvent]

    init(bytes: [UInt8] = [], events: [EncodedEvent] = []) {
        self.bytes = bytes
        self.events = events
    }

    /// The events of several runs in one new buffer (deferred events riding along with fresh ones).
    init(joining runs: [EncodedEvents]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(runs.reduce(0) { $0 + $1.byteCount })
        var events: [EncodedEvent] = []
        events.reserveCapacity(runs.reduce(0) { $0 + $1.count })
        for run in runs {
            run.bytes.withUnsafeBufferPointer { buffer in
                for var event in run.events {
                    let start = bytes.count
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[event.range]))
                    event.range = start..<bytes.count
                    events.append(event)
                }
            }
        }
        self.init(bytes: bytes, events: events)
    }

    var isEmpty: Bool { events.isEmpty }
    var count: Int { events.count }

    /// Encoded bytes of the events, without request framing.
    var byteCount: Int { events.reduce(0) { $0 + $1.range.count } }

    /// The same buffer with a subset of the events.
    func with(_ events: some Sequence<EncodedEvent>) -> EncodedEvents {
        EncodedEvents(bytes: bytes, events: Array(events))
    }

    /// How many of the first events fit in a request that already holds `count` events and
    /// `bytes` bytes (updated): at most `maximumEvents` events and about `maximumBytes` bytes
    /// (framing counted per event). An event larger than `maximumBytes` goes alone: it may still
    /// be accepted, and if not the receiver's 413 dead-letters it.
    func prefixCount(limits: HTTPDelivery.StateMachine.Limits, events count: Int, bytes: inout Int) -> Int {
        var taken = 0
        for event in events {
            let size = event.range.count + limits.framing
            let total = count + taken
            if total > 0, total >= limits.maximumEvents || bytes + size > limits.maximumBytes { break }
            bytes += size
            taken += 1
        }
        return taken
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

    /// The events as the elements of one JSON array.
    func jsonArray() -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(byteCount + count + 2)
        body.append(UInt8(ascii: "["))
        bytes.withUnsafeBufferPointer { buffer in
            for (position, event) in events.enumerated() {
                if position > 0 { body.append(UInt8(ascii: ",")) }
                body.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[event.range]))
            }
        }
        body.append(UInt8(ascii: "]"))
        return body
    }
}
