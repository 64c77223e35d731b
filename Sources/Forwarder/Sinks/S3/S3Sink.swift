import ComplianceAPI
import ForwarderCore
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `type: s3`: events spooled into local gzip segments and uploaded as objects to AWS S3 or an
/// S3-compatible store (docs/s3.md).
///
/// Each batch becomes one gzip member of the spool's active segment, `fsync`ed (the file sink's
/// ``GzipSegmentWriter``, with a manifest per segment). A segment sealed by size, age, SIGHUP or
/// shutdown is uploaded by a second task with one streaming `PUT` (``S3SegmentUploader``); its
/// batches are acknowledged only once the store has confirmed the object and its manifest, and
/// then the spool file goes. A failed upload is retried with backoff for as long as it takes,
/// the sink reporting unhealthy meanwhile: nothing is dropped or dead-lettered. Segments left in
/// the spool by an earlier run are uploaded first, to the same keys, and their activities, read
/// again from the checkpoint, are not spooled twice (``S3RecoveredEvents``). While the sealed segments
/// waiting exceed `spool_max_bytes`, the sink takes no input, so the source pauses.
public struct S3Sink: Sink {
    public let name: String
    /// The `type: s3` settings.
    public let configuration: ForwarderConfiguration.S3Sink
    let encoder: EventEncoder
    let credentials: AWSCredentialSource
    let rotation: FileRotationRequest?
    let now: @Sendable () -> RFC3339Timestamp
    /// The waits between upload attempts.
    let backoff: RetryPolicy
    /// Time allowed for one request (uploads get more per 16 MiB).
    let requestTimeout: Duration

    /// - Parameters:
    ///   - credentials: From ``AWSCredentialResolver/resolve()``.
    ///   - rotation: Seals the active segment at the next input after each request (SIGHUP).
    public init(
        name: String,
        configuration: ForwarderConfiguration.S3Sink,
        encoder: EventEncoder,
        credentials: AWSCredentialSource,
        rotation: FileRotationRequest? = nil,
        backoff: RetryPolicy = RetryPolicy(
            initialBackoff: .milliseconds(500),
            maximumBackoff: .seconds(30),
            maximumRetries: nil
        ),
        requestTimeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> RFC3339Timestamp = { .now }
    ) {
        self.name = name
        self.configuration = configuration
        self.encoder = encoder
        self.credentials = credentials
        self.rotation = rotation
        self.backoff = backoff
        self.requestTimeout = requestTimeout
        self.now = now
    }

    /// The spool's writer settings: the file sink's, in the spool directory, never pruned.
    var spoolSettings: ForwarderConfiguration.FileSink {
        ForwarderConfiguration.FileSink(
            directory: configuration.spoolDirectory,
            prefix: "segment",
            rotate: configuration.rotate,
            fileMode: 0o600
        )
    }

    public func run(input: SinkChannel.Stream, context: SinkContext) async throws {
        let signingKey = try configuration.signingKeyFile.map { (path) throws(FileError) in
            do throws(ArchiveKeyError) {
                return try ArchiveSigningKey.load(path: path)
            } catch {
                throw FileError(code: .signingKey, message: error.reason, path: error.path)
            }
        }
        let lineFormat = encoder.formatter.format
        let tracker = SealTracker()
        let writer = try GzipSegmentWriter(
            configuration: spoolSettings,
            fileExtension: lineFormat == .cef ? "cef" : "ndjson",
            now: now,
            archive: (sinkName: name, signingKey: signingKey),
            onSeal: { tracker.sealed($0.segment) }
        )
        let queue = S3SpoolQueue()
        // Segments an earlier run sealed (or that the writer just repaired) go first, in order.
        _ = tracker.takeSealed()
        let leftovers = try writer.finalFiles()
        for path in leftovers {
            let segment = GzipSegmentWriter.fileName(path)
            queue.enqueue(
                .init(segment: segment, bytes: PosixFile.status(path)?.size ?? 0, acknowledgements: [], recovered: true)
            )
        }
        // Their activities come again from the checkpoint: recognise them rather than store them twice.
        // (Unreadable ones are only stored twice, never lost.)
        var recoveredIDs: Set<String> = []
        if !leftovers.isEmpty, let records = try? ArchivedRecords.read(directory: configuration.spoolDirectory) {
            recoveredIDs = Set(records.byID.keys)
        }
        let recovered = S3RecoveredEvents(ids: recoveredIDs, segments: leftovers.count)
        if queue.pendingBytes > 0 {
            context.logger.notice(
                "uploading segments left in the spool by an earlier run",
                metadata: ["bytes": "\(queue.pendingBytes)"]
            )
        }
        let provider = AWSCredentialsProvider(source: credentials, logger: context.logger, now: now)
        let client = S3Client(
            configuration: configuration,
            credentials: provider,
            timeout: requestTimeout,
            now: now
        )
        let uploader = S3SegmentUploader(client: client, sinkName: name, now: now)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await uploadAll(queue, uploader: uploader, recovered: recovered, context: context)
                }
                try await write(
                    input,
                    writer: writer,
                    tracker: tracker,
                    queue: queue,
                    recovered: recovered,
                    context: context
                )
                try await group.waitForAll()
            }
        } catch {
            await client.shutdown()
            await provider.shutdown()
            throw error
        }
        await client.shutdown()
        await provider.shutdown()
    }

    /// The writer task: spools batches, seals segments and hands them to the upload task.
    private func write(
        _ input: SinkChannel.Stream,
        writer: GzipSegmentWriter,
        tracker: SealTracker,
        queue: S3SpoolQueue,
        recovered: S3RecoveredEvents,
        context: SinkContext
    ) async throws {
        defer { queue.finish() }
        var buffer: [UInt8] = []
        var rotationsSeen = rotation?.current ?? 0
        func handOver() {
            for segment in tracker.takeSealed() {
                let path = configuration.spoolDirectory + "/" + segment.name
                queue.enqueue(
                    .init(
                        segment: segment.name,
                        bytes: PosixFile.status(path)?.size ?? 0,
                        acknowledgements: segment.acknowledgements
                    )
                )
            }
        }
        for await item in input {
            if let rotation, rotation.current != rotationsSeen {
                rotationsSeen = rotation.current
                try await retrying(context) { () throws(FileError) in
                    try writer.close(reason: SegmentManifest.SealReason.rotation)
                }
                handOver()
            }
            switch item {
            case .tick:
                try await retrying(context) { () throws(FileError) in try writer.rotateIfDue() }
                handOver()
            case .batch(let delivered):
                // Activities a recovered segment holds are acknowledged with its upload instead.
                let claimed = recovered.claim(delivered)
                var batch = delivered
                if !claimed.isEmpty {
                    let indexes = claimed.sorted()
                    if recovered.hold(batch: delivered.sequence, events: indexes) {
                        context.acknowledge(batch: delivered.sequence, events: indexes)
                    }
                    batch = Batch(
                        sequence: delivered.sequence,
                        events: delivered.events.filter { !claimed.contains($0.index) },
                        provenance: delivered.provenance
                    )
                    if batch.events.isEmpty { continue }
                }
                await queue.waitForRoom(below: configuration.spoolMaximumBytes)
                try Task.checkCancellation()
                buffer.removeAll(keepingCapacity: true)
                let member = encoder.appendMember(of: batch, readAt: now(), to: &buffer)
                try await retrying(context) { () throws(FileError) in try writer.append(buffer, member: member) }
                // After the append: a rotation inside it sealed the batches before this one.
                handOver()
                tracker.appended(batch: batch.sequence, events: batch.events.map(\.index))
            }
        }
        try writer.close()
        handOver()
    }

    /// The upload task: uploads sealed segments in order, each until the store confirms it.
    private func uploadAll(
        _ queue: S3SpoolQueue,
        uploader: S3SegmentUploader,
        recovered: S3RecoveredEvents,
        context: SinkContext
    ) async throws {
        for await sealed in queue.segments {
            var failures = 0
            while true {
                do {
                    // An earlier run may have stored it just before it died: ask before sending.
                    let uploaded = try await uploader.upload(segment: sealed.segment, ifAbsent: sealed.recovered)
                    if !context.metrics.health.isHealthy { context.metrics.health.markHealthy() }
                    context.logger.debug(
                        "segment uploaded",
                        metadata: [
                            "key": "\(uploaded.key)", "bytes": "\(uploaded.bytes)", "records": "\(uploaded.records)",
                            "already_stored": "\(uploaded.skipped)",
                        ]
                    )
                    break
                } catch {
                    try Task.checkCancellation()
                    // A segment that vanished from the spool cannot be uploaded however long we wait.
                    let path = configuration.spoolDirectory + "/" + sealed.segment
                    if error.code == .spool, PosixFile.status(path) == nil { throw error }
                    failures += 1
                    context.metrics.health.markUnhealthy("\(error)")
                    context.metrics.retried.increment()
                    context.logger.error(
                        "S3 upload failed; the segment stays in the spool and is retried",
                        metadata: ["error": "\(error)", "segment": "\(sealed.segment)", "attempt": "\(failures)"]
                    )
                    try await Task.sleep(for: backoff.delay(retry: failures))
                }
            }
            for acknowledgement in sealed.acknowledgements {
                context.acknowledge(batch: acknowledgement.batch, events: acknowledgement.events)
            }
            context.metrics.delivered.increment(by: sealed.eventCount)
            if sealed.recovered {
                for held in recovered.segmentStored() {
                    context.acknowledge(batch: held.batch, events: held.events)
                }
            }
            try await retrying(context) { () throws(FileError) in
                try S3SpoolFiles.remove(segment: sealed.segment, directory: configuration.spoolDirectory)
            }
            queue.release(sealed)
        }
    }

    /// A full disk or a vanished mount can clear up: retry with backoff and report unhealthy.
    private func retrying(_ context: SinkContext, _ operation: () throws(FileError) -> Void) async throws {
        var failures = 0
        while true {
            do {
                try operation()
                return
            } catch {
                guard error.isRetryable else { throw error }
                context.metrics.health.markUnhealthy("\(error)")
                context.metrics.retried.increment()
                context.logger.error("S3 sink spool write failed; retrying", metadata: ["error": "\(error)"])
                failures += 1
                try await Task.sleep(for: backoff.delay(retry: failures))
            }
        }
    }

    /// Builds the sink of a configured `type: s3` sink, with credentials from `environment`.
    public static func make(
        from sink: ForwarderConfiguration.Sink,
        configuration: ForwarderConfiguration.S3Sink,
        encoder: EventEncoder,
        rotation: FileRotationRequest? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AWSCredentialsError) -> S3Sink {
        S3Sink(
            name: sink.name,
            configuration: configuration,
            encoder: encoder,
            credentials: try AWSCredentialResolver(environment: environment).resolve(),
            rotation: rotation
        )
    }
}
