import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// One connection to the receiver (TLS, TCP or connected UDP), written from async code.
///
/// Writes complete when NIO has handed the bytes to the kernel (for TLS: the encrypted records),
/// so awaiting each write is both the socket's backpressure and the "written and flushed" point
/// at which the sink acknowledges. Inbound data is discarded; inbound errors and the receiver
/// closing are recorded so the next write fails fast and the sink reconnects.
final class SyslogConnection: Sendable {
    let channel: any Channel
    private let state: SyslogConnectionState

    private init(channel: any Channel, state: SyslogConnectionState) {
        self.channel = channel
        self.state = state
    }

    /// Whether the connection can still be written to, as far as this side knows (plain TCP
    /// cannot tell whether the receiver processed what it accepted; see ``SyslogSink``).
    var isUsable: Bool { channel.isActive && state.failure == nil }

    /// Connects, completes the TLS handshake, checks the receiver's certificate against
    /// `identity` (nil: no name check), then waits `settle` for a rejection the receiver sends
    /// after the handshake (TLS 1.3 reports a missing client certificate that way).
    static func connect(
        host: String,
        port: Int,
        tls: NIOSSLContext?,
        serverName: String?,
        identity: SyslogServerIdentity? = nil,
        datagram: Bool,
        settle: Duration,
        timeout: Duration = .seconds(10),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(SyslogSinkError) -> SyslogConnection {
        let loop = group.next()
        let ready = loop.makePromise(of: Void.self)
        let state = SyslogConnectionState()
        let where_ = "\(host):\(port)"
        let channel: any Channel
        do {
            if datagram {
                channel = try await DatagramBootstrap(group: loop)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                SyslogConnectionObserver(state: state, ready: ready, waitsForTLS: false)
                            )
                        }
                    }
                    .connect(host: host, port: port).get()
            } else {
                channel = try await ClientBootstrap(group: loop)
                    .connectTimeout(TimeAmount(timeout))
                    .channelOption(.socketOption(.so_keepalive), value: 1)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let tls {
                                try channel.pipeline.syncOperations.addHandler(
                                    try NIOSSLClientHandler(context: tls, serverHostname: serverName)
                                )
                            }
                            try channel.pipeline.syncOperations.addHandler(
                                SyslogConnectionObserver(
                                    state: state,
                                    ready: ready,
                                    waitsForTLS: tls != nil,
                                    identity: tls == nil ? nil : identity
                                )
                            )
                        }
                    }
                    .connect(host: host, port: port).get()
            }
        } catch {
            ready.fail(error)
            throw SyslogSinkError(.connectFailed, "cannot connect to \(where_): \(error)")
        }
        if datagram { ready.succeed() }
        let deadline = loop.scheduleTask(in: TimeAmount(timeout)) { channel.close(promise: nil) }
        do {
            try await ready.futureResult.get()
            deadline.cancel()
        } catch {
            deadline.cancel()
            channel.close(promise: nil)
            let reason = SyslogTLSDiagnosis.withoutSourceLocations(state.failure ?? "\(error)")
            throw SyslogSinkError(
                tls == nil ? .connectFailed : .tlsHandshakeFailed,
                "TLS handshake with \(where_) (server name \(identity?.description ?? serverName ?? "none")) failed: \(reason)"
            )
        }
        let connection = SyslogConnection(channel: channel, state: state)
        if !datagram, settle > .zero {
            try? await Task.sleep(for: settle)
            if !connection.isUsable {
                await connection.close()
                let reason = SyslogTLSDiagnosis.withoutSourceLocations(state.failure ?? "connection closed")
                throw SyslogSinkError(
                    .rejectedByReceiver,
                    "\(where_) closed the session after the handshake: \(reason)"
                        + (state.failure?.contains("CERTIFICATE_REQUIRED") == true
                            || state.failure?.contains("certificate") == true
                            ? " (the receiver requires a client certificate: set tls.cert_file and tls.key_file)" : "")
                )
            }
        }
        return connection
    }

    /// Writes `chunks` and returns once every byte is written and flushed to the socket.
    func write(_ chunks: [ByteBuffer]) async throws(SyslogSinkError) {
        guard !chunks.isEmpty else { return }
        var futures: [EventLoopFuture<Void>] = []
        futures.reserveCapacity(chunks.count)
        for (offset, buffer) in chunks.enumerated() {
            futures.append(offset == chunks.count - 1 ? channel.writeAndFlush(buffer) : channel.write(buffer))
        }
        do {
            for future in futures { try await future.get() }
        } catch {
            channel.close(promise: nil)
            throw SyslogSinkError(.connectionLost, "write failed: \(state.failure ?? "\(error)")")
        }
        if let failure = state.failure {
            // The bytes reached the socket but the receiver has already complained: treat as lost.
            throw SyslogSinkError(.connectionLost, "receiver error: \(failure)")
        }
    }

    /// Closes cleanly: TLS sends `close_notify` and waits briefly for the receiver's.
    func close() async {
        try? await channel.close().get()
    }
}

/// What the event loop learned about the connection, readable from async code.
final class SyslogConnectionState: Sendable {
    private let failureText = Mutex<String?>(nil)

    /// The first error or the closure, as text.
    var failure: String? { failureText.withLock { $0 } }

    func record(_ text: String) {
        failureText.withLock { if $0 == nil { $0 = text } }
    }
}

/// Completes `ready` once the connection can carry messages; records errors and closure.
final class SyslogConnectionObserver: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let state: SyslogConnectionState
    private let ready: EventLoopPromise<Void>
    private let waitsForTLS: Bool
    private let identity: SyslogServerIdentity?
    private var pending = true

    init(
        state: SyslogConnectionState,
        ready: EventLoopPromise<Void>,
        waitsForTLS: Bool,
        identity: SyslogServerIdentity? = nil
    ) {
        self.state = state
        self.ready = ready
        self.waitsForTLS = waitsForTLS
        self.identity = identity
    }

    func channelActive(context: ChannelHandlerContext) {
        if !waitsForTLS { complete(nil) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            // Nothing has been written yet: a certificate for another name gets no byte.
            if let reason = identityMismatch(context: context) {
                state.record(reason)
                complete(SyslogSinkError(.tlsHandshakeFailed, reason))
                context.close(promise: nil)
                return
            }
            complete(nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Syslog receivers send nothing; whatever arrives is ignored.
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        state.record("\(error)")
        complete(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.record("connection closed by the receiver")
        complete(SyslogSinkError(.connectionLost, "connection closed by the receiver"))
        context.fireChannelInactive()
    }

    private func identityMismatch(context: ChannelHandlerContext) -> String? {
        guard let identity else { return nil }
        guard let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self),
            let certificate = handler.peerCertificate
        else {
            return "the receiver presented no certificate to check against \(identity)"
        }
        return identity.mismatch(in: certificate)
    }

    private func complete(_ error: (any Error)?) {
        guard pending else { return }
        pending = false
        if let error { ready.fail(error) } else { ready.succeed() }
    }
}
