import ForwarderCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import Synchronization

/// The observability endpoint: `GET /metrics` (Prometheus text), `GET /healthz` (alive) and
/// `GET /readyz` (``Readiness``), on `server.listen`.
///
/// It binds in ``bind(listen:registry:readiness:logger:)`` so that a port already in use fails
/// the start, and port 0 is resolved before anything runs (``address``). On graceful shutdown it
/// stops accepting and closes every connection, idle keep-alive ones included, so a scraper
/// holding a connection open never delays the exit.
public final class HealthServer: Service {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The address actually bound (the system's pick when `listen` had port 0).
    public let address: NetworkAddress
    private let serverChannel: NIOAsyncChannel<Connection, Never>
    private let routes: HealthRoutes
    private let logger: Logger
    private let connections = Mutex<(closing: Bool, open: [ObjectIdentifier: any Channel])>((false, [:]))

    private init(
        serverChannel: NIOAsyncChannel<Connection, Never>,
        address: NetworkAddress,
        routes: HealthRoutes,
        logger: Logger
    ) {
        self.serverChannel = serverChannel
        self.address = address
        self.routes = routes
        self.logger = logger
    }

    /// Binds `listen`.
    ///
    /// - Throws: ``HealthServerError`` when the address cannot be bound (in use, not local).
    public static func bind(
        listen: NetworkAddress,
        registry: PrometheusCollectorRegistry,
        readiness: Readiness,
        logger: Logger
    ) async throws -> HealthServer {
        let channel: NIOAsyncChannel<Connection, Never>
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.backlog, value: 64)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .bind(host: listen.host, port: listen.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HealthServerError(
                message:
                    "server.listen \(listen): cannot listen (\(error)); choose another address or set server.enabled: false"
            )
        }
        let port = channel.channel.localAddress?.port ?? listen.port
        let server = HealthServer(
            serverChannel: channel,
            address: NetworkAddress(host: listen.host, port: port),
            routes: HealthRoutes(registry: registry, readiness: readiness),
            logger: logger
        )
        logger.notice(
            "observability server listening",
            metadata: ["address": "\(server.address)", "endpoints": "/metrics /healthz /readyz"]
        )
        return server
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await serve()
            } onCancel: {
                self.close()
            }
        } onGracefulShutdown: {
            self.close()
        }
    }

    /// Stops accepting and closes every open connection.
    public func close() {
        serverChannel.channel.close(promise: nil)
        let open = connections.withLock { state in
            state.closing = true
            return Array(state.open.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    private func serve() async {
        do {
            try await serverChannel.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask { await self.handle(connection) }
                    }
                }
            }
        } catch {
            logger.debug("observability server stopped accepting", metadata: ["error": "\(error)"])
        }
    }

    private func handle(_ connection: Connection) async {
        let key = ObjectIdentifier(connection.channel)
        let accepted = connections.withLock { state in
            if !state.closing { state.open[key] = connection.channel }
            return !state.closing
        }
        guard accepted else {
            try? await connection.channel.close()
            return
        }
        defer { _ = connections.withLock { $0.open.removeValue(forKey: key) } }
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                case .body:
                    continue
                case .end:
                    guard let request = head else { continue }
                    head = nil
                    let reply = routes.reply(method: request.method, uri: request.uri)
                    let keepAlive = request.isKeepAlive
                    var responseHead = HTTPResponseHead(version: request.version, status: reply.status)
                    responseHead.headers.add(name: "Content-Type", value: reply.contentType)
                    responseHead.headers.add(name: "Content-Length", value: String(reply.body.count))
                    responseHead.headers.add(name: "Cache-Control", value: "no-store")
                    if reply.status == .methodNotAllowed { responseHead.headers.add(name: "Allow", value: "GET, HEAD") }
                    if !keepAlive { responseHead.headers.add(name: "Connection", value: "close") }
                    try await outbound.write(.head(responseHead))
                    if request.method != .HEAD, !reply.body.isEmpty {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: reply.body))))
                    }
                    try await outbound.write(.end(nil))
                    if !keepAlive { return }
                }
            }
        }
    }
}
