import ComplianceAPI
import Logging
import Synchronization

/// Keeps what could not be delivered, with the reason, so nothing vanishes and the pipeline never
/// stalls on a record no retry will fix.
///
/// One gzip NDJSON file set per stage or sink under `dead_letter.directory`
/// (`<name>-<time>-<seq>.ndjson.gz`), one line per record:
/// `{"time":…,"stage":"sink","name":"splunk","status":400,"reason":…,"record":{…original…}}`.
/// A write returns once the entry is `fsync`ed: only then may the event be acknowledged.
public final class DeadLetterWriter: Sendable {
    /// Where a record was rejected.
    public struct Entry: Sendable {
        /// `source` (the poller) or `sink`.
        public var stage: String
        /// The sink's name, or `source`.
        public var name: String
        public var reason: String
        /// The receiver's status (HTTP status, Splunk code), when there was one.
        public var status: Int?
        /// The record's original JSON text.
        public var record: String

        public init(stage: String, name: String, reason: String, status: Int? = nil, record: String) {
            self.stage = stage
            self.name = name
            self.reason = reason
            self.status = status
            self.record = record
        }
    }

    private let directory: String
    private let now: @Sendable () -> RFC3339Timestamp
    private let writers = Mutex<[String: GzipSegmentWriterBox]>([:])
    private let counter = Mutex<Int>(0)

    public init(directory: String, now: @escaping @Sendable () -> RFC3339Timestamp = { .now }) {
        self.directory = directory
        self.now = now
    }

    /// Entries written since start.
    public var writtenCount: Int { counter.withLock { $0 } }

    /// Writes `entries` durably (one gzip member), grouped by name.
    public func write(_ entries: [Entry]) throws(FileError) {
        guard !entries.isEmpty else { return }
        let time = now().wireText
        for (name, group) in Dictionary(grouping: entries, by: \.name) {
            var writer = JSONWriter(capacity: group.count * 512)
            for entry in group {
                writer.writeRaw("{")
                writer.writeKey("time")
                writer.writeString(time)
                writer.writeRaw(",")
                writer.writeKey("stage")
                writer.writeString(entry.stage)
                writer.writeRaw(",")
                writer.writeKey("name")
                writer.writeString(entry.name)
                if let status = entry.status {
                    writer.writeRaw(",")
                    writer.writeKey("status")
                    writer.writeInteger(status)
                }
                writer.writeRaw(",")
                writer.writeKey("reason")
                writer.writeString(entry.reason)
                writer.writeRaw(",")
                writer.writeKey("record")
                // Embedded as JSON when it is JSON (always, for records the API sent), else as text.
                if (try? JSONParser.parse(entry.record)) != nil {
                    writer.writeRaw(entry.record)
                } else {
                    writer.writeString(entry.record)
                }
                writer.writeRaw("}\n")
            }
            let box = try box(for: name)
            try box.lock.withLock { (segment: inout GzipSegmentWriter?) throws(FileError) in
                if segment == nil {
                    segment = try GzipSegmentWriter(
                        configuration: .init(directory: directory, prefix: Self.safeName(name)),
                        fileExtension: "ndjson",
                        now: now
                    )
                }
                try segment?.append(writer.bytes)
            }
        }
        counter.withLock { $0 += entries.count }
    }

    /// Finalises every open file (on shutdown).
    public func close() {
        let boxes = writers.withLock { Array($0.values) }
        for box in boxes {
            box.lock.withLock { segment in try? segment?.close() }
        }
    }

    private func box(for name: String) throws(FileError) -> GzipSegmentWriterBox {
        writers.withLock { boxes in
            if let box = boxes[name] { return box }
            let box = GzipSegmentWriterBox()
            boxes[name] = box
            return box
        }
    }

    /// File names are built from sink names; keep them to a safe alphabet.
    static func safeName(_ name: String) -> String {
        String(
            name.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "_": Character(scalar)
                default: "_"
                }
            }
        )
    }
}

/// A segment writer behind a lock (it is not itself thread-safe).
final class GzipSegmentWriterBox: Sendable {
    let lock = Mutex<GzipSegmentWriter?>(nil)
}
