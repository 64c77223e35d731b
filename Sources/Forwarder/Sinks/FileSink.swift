import ComplianceAPI
import ForwarderCore
import Logging

/// The archive: one line per event (CEF, or ECS / raw NDJSON), gzip-compressed, rotated by size
/// and age, with retention (see ``GzipSegmentWriter`` for the crash-safety rules).
///
/// Each batch becomes one gzip member, `fsync`ed before the batch is acknowledged. An idle
/// segment rotates on its timer's tick (``Sink/tickInterval``) once it is older than `max_age`.
public struct FileSink: Sink {
    public let name: String
    /// The `type: file` settings.
    public let configuration: ForwarderConfiguration.FileSink
    let encoder: EventEncoder
    let now: @Sendable () -> RFC3339Timestamp
    let rotation: FileRotationRequest?

    /// - Parameter rotation: Closes the active segment at the next input after each request (SIGHUP).
    public init(
        name: String,
        configuration: ForwarderConfiguration.FileSink,
        encoder: EventEncoder,
        rotation: FileRotationRequest? = nil,
        now: @escaping @Sendable () -> RFC3339Timestamp = { .now }
    ) {
        self.name = name
        self.configuration = configuration
        self.encoder = encoder
        self.rotation = rotation
        self.now = now
    }

    /// Every seal writes a manifest, published as an `archive_segment_sealed` event.
    public var publishesArchiveAnchors: Bool { true }

    public func run(input: SinkChannel.Stream, context: SinkContext) async throws {
        let signingKey = try Self.loadKey(configuration.signingKeyFile)
        let previousSigningKey = try Self.loadKey(configuration.previousSigningKeyFile)
        let writer = try GzipSegmentWriter(
            configuration: configuration,
            fileExtension: encoder.formatter.format == .cef ? "cef" : "ndjson",
            now: now,
            archive: (sinkName: name, signingKey: signingKey),
            previousSigningKey: previousSigningKey,
            onSeal: { context.publish($0) }
        )
        if let handover = writer.chain?.pendingHandover {
            let cosigned = previousSigningKey?.publicKeyBase64 == handover.previousPublicKey
            context.logger.notice(
                "new archive signing key: the next manifest records the key hand-over",
                metadata: [
                    "previous_key": "\(ArchiveSigningKey.fingerprint(publicKeyBase64: handover.previousPublicKey))",
                    "new_key": "\(ArchiveSigningKey.fingerprint(publicKeyBase64: handover.newPublicKey))",
                    "cosigned_by_previous_key": "\(cosigned)",
                ]
            )
            if previousSigningKey != nil, !cosigned {
                context.logger.warning(
                    "previous_signing_key_file is not the key that signed the archive's newest manifest; the hand-over is signed by the new key only"
                )
            }
        }
        var buffer: [UInt8] = []
        var rotationsSeen = rotation?.current ?? 0
        for await item in input {
            if let rotation, rotation.current != rotationsSeen {
                rotationsSeen = rotation.current
                try await retrying(context) { () throws(FileError) in
                    try writer.close(reason: SegmentManifest.SealReason.rotation)
                }
            }
            switch item {
            case .tick:
                try await retrying(context) { () throws(FileError) in try writer.rotateIfDue() }
            case .batch(let batch):
                buffer.removeAll(keepingCapacity: true)
                let member = encoder.appendMember(of: batch, readAt: now(), to: &buffer)
                try await retrying(context) { () throws(FileError) in try writer.append(buffer, member: member) }
                context.acknowledge(batch)
                context.metrics.delivered.increment(by: batch.events.count)
            }
        }
        try writer.close()
    }

    /// Loads a private key file; errors name the file, never its content.
    private static func loadKey(_ path: String?) throws(FileError) -> ArchiveSigningKey? {
        guard let path else { return nil }
        do throws(ArchiveKeyError) {
            return try ArchiveSigningKey.load(path: path)
        } catch {
            throw FileError(code: .signingKey, message: error.reason, path: error.path)
        }
    }

    /// A full disk or a vanished mount can clear up: retry with backoff (holding the batch, so the
    /// source stops) and report the sink unhealthy meanwhile, instead of crashing or skipping.
    private func retrying(_ context: SinkContext, _ operation: () throws(FileError) -> Void) async throws {
        let backoff = RetryPolicy(initialBackoff: .milliseconds(200), maximumBackoff: .seconds(30), maximumRetries: nil)
        var failures = 0
        while true {
            do {
                try operation()
                if !context.metrics.health.isHealthy { context.metrics.health.markHealthy() }
                return
            } catch {
                guard error.isRetryable else { throw error }
                context.metrics.health.markUnhealthy("\(error)")
                context.metrics.retried.increment()
                context.logger.error("file sink write failed; retrying", metadata: ["error": "\(error)"])
                failures += 1
                try await Task.sleep(for: backoff.delay(retry: failures))
            }
        }
    }
}
