import ComplianceAPI
import ForwarderCore
import Logging
import NIOCore
import NIOSSL

/// Sends each event as one syslog message to a SIEM collector over TLS (RFC 5425), TCP
/// (RFC 6587) or UDP (RFC 5426, lab only).
///
/// Delivery: a batch is acknowledged once all its bytes are written and flushed to the socket
/// (for TLS: the encrypted records handed to the kernel). The next batch waits for that flush, so
/// a slow receiver slows the sink and, through its bounded channel, the source. A connection
/// error never drops a batch: the sink holds it, reports itself unhealthy, reconnects with
/// backoff and writes it again.
///
/// The limit of TCP, stated plainly: "written to the socket" is not "processed by the receiver".
/// The kernel accepts bytes that a receiver which then crashes or restarts never reads, and syslog
/// has no application-level acknowledgement. So the sink keeps the events it acknowledged in the
/// last ``Options/resendRetention`` (bounded by count and bytes) and, after any reconnect,
/// re-sends them before anything new: a receiver restart yields duplicates (each message carries the
/// activity `id` in its structured data, so they can be dropped), not losses. What this does not
/// cover: a receiver that takes bytes and silently discards them while the connection stays up for
/// longer than the retention, and events pushed out of the window by its size limits during a
/// stall that is detected late (counted in ``SyslogSinkStatistics/evictedUnconfirmed``).
/// UDP has no connection to watch, so nothing is re-sent; use it only in a lab.
///
/// Messages larger than `max_message_bytes` are truncated and marked, never split (see
/// ``SyslogMessageEncoder``); the complete record goes to the dead-letter file.
public struct SyslogSink: Sink {
    public let name: String
    /// The `type: syslog` settings.
    public let configuration: ForwarderConfiguration.SyslogSink
    public let options: Options
    /// Syslog-specific counters (re-sent, truncated, connections).
    public let statistics: SyslogSinkStatistics
    let encoder: SyslogMessageEncoder
    let now: @Sendable () -> RFC3339Timestamp

    /// - Parameters:
    ///   - name: the sink's configured name.
    ///   - configuration: transport, framing, header and TLS settings.
    ///   - encoder: the payload format (CEF, ECS or raw) inside the syslog MSG.
    ///   - options: the resend window and connection internals.
    ///   - now: the read time written into ECS/CEF payloads.
    public init(
        name: String,
        configuration: ForwarderConfiguration.SyslogSink,
        encoder: EventEncoder,
        options: Options = .init(),
        now: @escaping @Sendable () -> RFC3339Timestamp = { .now }
    ) {
        self.name = name
        self.configuration = configuration
        self.options = options
        self.statistics = SyslogSinkStatistics(sink: name)
        self.encoder = SyslogMessageEncoder(
            syslog: SyslogHeaderEncoder(configuration: configuration.headerConfiguration),
            payload: encoder.formatter,
            framing: configuration.messageFraming,
            maximumMessageBytes: configuration.maximumMessageBytes
        )
        self.now = now
    }

    /// `archive_anchors`: the file sinks' `archive_segment_sealed` events go to this collector too.
    public var receivesArchiveAnchors: Bool { configuration.archiveAnchors }

    public func run(input: SinkChannel.Stream, context: SinkContext) async throws {
        let tls = configuration.transport == .tls ? try SyslogTLS.makeContext(configuration.tls) : nil
        var link = Link(
            window: SyslogResendWindow(
                retention: options.resendRetention,
                maximumEvents: configuration.transport == .udp ? 0 : options.resendMaximumEvents,
                maximumBytes: options.resendMaximumBytes
            )
        )
        do {
            for await item in input {
                switch item {
                case .tick:
                    if let connection = link.connection, connection.isUsable {
                        link.window.prune(now: .now)
                    }
                case .batch(let batch):
                    try await handle(batch, link: &link, tls: tls, context: context)
                }
                try await sendAnchors(link: &link, tls: tls, context: context)
            }
            await context.waitForAnchorPublishers()
            try await sendAnchors(link: &link, tls: tls, context: context, atShutdown: true)
        } catch {
            await link.connection?.close()
            throw error
        }
        await link.connection?.close()
    }

    /// The current connection and what it may have to re-send.
    struct Link {
        var connection: SyslogConnection?
        var window: SyslogResendWindow
    }

    private func handle(_ batch: Batch, link: inout Link, tls: NIOSSLContext?, context: SinkContext) async throws {
        let readAt = now()
        var frames = SyslogFrames(framing: encoder.framing, chunkBytes: options.writeChunkBytes)
        var truncated: [DeadLetterWriter.Entry] = []
        var message: [UInt8] = []
        message.reserveCapacity(4096)
        for event in batch.events {
            let truncatedFrom = encoder.encodeMessage(event, readAt: readAt, into: &message)
            frames.append(message)
            if let original = truncatedFrom {
                truncated.append(
                    DeadLetterWriter.Entry(
                        stage: "sink",
                        name: name,
                        reason:
                            "syslog message truncated: MSG of \(original) bytes over max_message_bytes \(encoder.maximumMessageBytes)",
                        record: event.activity.rawJSON
                    )
                )
            }
        }
        try await deliver(frames, link: &link, tls: tls, context: context)
        if !truncated.isEmpty {
            statistics.truncated(truncated.count)
            context.logger.warning("syslog messages truncated", metadata: ["count": "\(truncated.count)"])
            do {
                try context.deadLetters.write(truncated)
            } catch {
                // The truncated message (with its id) reached the receiver; the full record can be
                // fetched again from the API, so this is not a reason to stop the sink.
                context.logger.error(
                    "cannot write truncated records to the dead-letter file",
                    metadata: ["error": "\(error)"]
                )
            }
        }
        context.acknowledge(batch)
        context.metrics.delivered.increment(by: batch.events.count)
    }

    /// Sends the anchors waiting in the inbox like a batch of one message each (same connection,
    /// same reconnects, same resend window), but acknowledges nothing: they are not activities.
    /// At shutdown a receiver that stays down gets ``finalAnchorAttempts`` failed attempts, then
    /// the remaining anchors are dropped: they must not hold the shutdown until its grace ends
    /// (the next seal's anchor, after the restart, links to these manifests).
    private func sendAnchors(
        link: inout Link,
        tls: NIOSSLContext?,
        context: SinkContext,
        atShutdown: Bool = false
    ) async throws {
        guard let inbox = context.anchorInbox else { return }
        while let anchor = inbox.next() {
            var frames = SyslogFrames(framing: encoder.framing, chunkBytes: options.writeChunkBytes)
            frames.append(encoder.encodeAnchorMessage(anchor))
            do {
                let limit = atShutdown ? Self.finalAnchorAttempts : nil
                try await deliver(frames, link: &link, tls: tls, context: context, maximumFailures: limit)
            } catch let error as SyslogSinkError where atShutdown && error.isRetryable {
                let dropped = inbox.dropAll() + 1
                inbox.refused()
                context.logger.warning(
                    "archive anchors not delivered before shutdown; dropped",
                    metadata: ["anchors": "\(dropped)", "error": "\(error)"]
                )
                return
            }
            inbox.delivered()
        }
    }

    /// Failed attempts at shutdown before the remaining anchors are dropped.
    static let finalAnchorAttempts = 3

    /// Writes `frames` until they are flushed to a usable connection, reconnecting (and re-sending
    /// the window) as often as it takes, or until `maximumFailures` attempts failed (then the last
    /// error is thrown).
    private func deliver(
        _ frames: SyslogFrames,
        link: inout Link,
        tls: NIOSSLContext?,
        context: SinkContext,
        maximumFailures: Int? = nil
    ) async throws {
        let backoff = configuration.reconnect.retryPolicy
        var failures = 0
        while true {
            try Task.checkCancellation()
            do throws(SyslogSinkError) {
                let connection = try await usableConnection(&link, tls: tls, context: context)
                link.window.prune(now: .now)
                try await connection.write(frames.chunks)
                link.window.append(frames, at: .now)
                statistics.evicted(total: link.window.evicted)
                if !context.metrics.health.isHealthy {
                    context.metrics.health.markHealthy()
                    context.logger.info("syslog sink delivering again")
                }
                return
            } catch {
                await link.connection?.close()
                link.connection = nil
                guard error.isRetryable else { throw error }
                failures += 1
                if let maximumFailures, failures >= maximumFailures { throw error }
                let delay = backoff.delay(retry: failures)
                context.metrics.health.markUnhealthy(error.description)
                context.metrics.retried.increment(by: frames.count)
                context.logger.error(
                    "syslog delivery failed; holding the batch and retrying",
                    metadata: ["error": "\(error)", "retry_in": "\(delay)"]
                )
                try await Task.sleep(for: delay)
            }
        }
    }

    /// The live connection, or a new one on which the resend window has already been written.
    private func usableConnection(
        _ link: inout Link,
        tls: NIOSSLContext?,
        context: SinkContext
    ) async throws(SyslogSinkError) -> SyslogConnection {
        if let connection = link.connection {
            if connection.isUsable { return connection }
            await connection.close()
            link.connection = nil
        }
        let connection = try await configuration.connect(tls: tls, settle: options.settleTime)
        statistics.connected()
        if link.window.count > 0 {
            let resent = link.window.count
            let resend = link.window.chunksForResend(at: .now)
            do {
                try await connection.write(resend)
            } catch {
                await connection.close()
                throw error
            }
            statistics.resent(resent)
            context.logger.warning(
                "reconnected; re-sent recent events the receiver may not have processed (duplicates possible)",
                metadata: ["events": "\(resent)"]
            )
        }
        link.connection = connection
        return connection
    }
}
