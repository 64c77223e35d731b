import ComplianceAPI
import ForwarderCore

/// What the evidence adds to the file path, for `compliance-forwarder benchmark archive`
/// (docs/performance.md): the same batches written through the file sink's segment writer with
/// the evidence on (per-record SHA-256, line hashes, member records, signed manifests) and off.
public enum ArchiveOverheadBenchmark {
    /// Writes `batches` batches of `activities` as ECS lines into `directory`, one gzip member
    /// and one `fsync` per batch, rotating at `maximumBytes`; returns the events written.
    ///
    /// With `evidence` off the events (and so their record hashes) are built once, outside the
    /// measured work, and no member records or manifests are written; with it on every batch's
    /// events are built (hashing each record) exactly as the poller does, and every sealed
    /// segment gets a manifest signed with a fresh Ed25519 key. `rebuildEvents` with `evidence`
    /// off builds the events per batch too: the per-record hash's share of the difference.
    public static func write(
        activities: [Activity],
        batches: Int,
        directory: String,
        evidence: Bool,
        rebuildEvents: Bool = false,
        maximumBytes: Int
    ) throws(FileError) -> Int {
        let writer = try GzipSegmentWriter(
            configuration: .init(directory: directory, prefix: "bench", rotate: .init(maximumBytes: maximumBytes)),
            fileExtension: "ndjson",
            now: { .now },
            archive: evidence ? (sinkName: "bench", signingKey: ArchiveSigningKey.generate()) : nil
        )
        let encoder = EventEncoder(format: .ecs)
        let perBatch = evidence || rebuildEvents
        let prebuilt = perBatch ? [] : activities.enumerated().map { Event(index: $0.offset, activity: $0.element) }
        var buffer: [UInt8] = []
        var written = 0
        for batchNumber in 0..<batches {
            let events =
                perBatch ? activities.enumerated().map { Event(index: $0.offset, activity: $0.element) } : prebuilt
            buffer.removeAll(keepingCapacity: true)
            let readAt = RFC3339Timestamp.now
            guard evidence else {
                for event in events { encoder.appendLine(event, readAt: readAt, to: &buffer) }
                try writer.append(buffer)
                written += events.count
                continue
            }
            var records = ArchiveDigest.RecordsHasher()
            for event in events {
                let start = buffer.count
                encoder.appendLine(event, readAt: readAt, to: &buffer)
                records.add(ArchiveDigest.lineHash(event, line: buffer[start..<(buffer.count - 1)], format: .ecs))
            }
            let batch = Batch(
                sequence: UInt64(batchNumber),
                events: events,
                provenance: BatchProvenance(
                    startCursor: events.first?.activity.id,
                    lastID: events.last?.activity.id,
                    count: events.count,
                    requestID: "req_benchmark_\(batchNumber)",
                    late: false
                )
            )
            let member = ArchiveMemberRecord(batch: batch, lineFormat: .ecs, recordsSHA256: records.finalize())
            try writer.append(buffer, member: member)
            written += events.count
        }
        try writer.close()
        return written
    }
}
