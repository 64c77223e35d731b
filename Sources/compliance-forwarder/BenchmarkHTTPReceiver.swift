import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A minimal in-process receiver for `benchmark http`: reads each request body whole and answers
/// like the real endpoint does when everything is accepted (webhook 200, HEC code 0, `_bulk` one
/// `201` item per action line). It counts requests and bytes; it parses nothing else, so the
/// benchmark measures the sink, not the receiver.
///
/// Pushback, to measure the sink under a loaded receiver: ``Pushback/deferEvery`` answers one
/// `_bulk` item in N with 429 `es_rejected_execution_exception` (not stored), and
/// ``Pushback/failEvery`` answers one request in N with 503 (nothing stored).
final class BenchmarkHTTPReceiver: Sendable {
    enum Kind: String, Sendable {
        case webhook
        case splunkHEC = "splunk_hec"
        case elasticsearch
        /// An Entra ID token endpoint and a data collection endpoint (204).
        case azureMonitor = "azure_monitor"
        /// An OTLP/HTTP logs receiver: 200 with an empty `ExportLogsServiceResponse`.
        case otlp
    }

    let serverChannel: any Channel
    let statistics: Statistics

    final class Statistics: Sendable {
        let requests = Atomic(0)
        let bodyBytes = Atomic(0)
        /// `_bulk` items answered 201 (stored) and 429 (deferred); requests answered 503.
        let storedItems = Atomic(0)
        let deferredItems = Atomic(0)
        let failedRequests = Atomic(0)
        /// Sequence numbers for the pushback patterns, over all connections.
        let itemSequence = Atomic(0)
        let requestSequence = Atomic(0)
    }

    struct Pushback: Sendable {
        /// Defer one `_bulk` item in this many (0: none).
        var deferEvery = 0
        /// Answer one request in this many with 503 (0: none).
        var failEvery = 0
    }

    var port: Int { serverChannel.localAddress?.port ?? 0 }

    private init(serverChannel: any Channel, statistics: Statistics) {
        self.serverChannel = serverChannel
        self.statistics = statistics
    }

    /// - Parameters:
    ///   - replyDelay: Held before each reply, standing in for network round trip and indexing time.
    ///   - pushback: Deferred items and failed requests.
    ///   - captureDirectory: Writes every request body (as received) to `request-<n>.bin` in this
    ///     directory, for independent decoding (`scripts/check-formats.sh`); blocking writes on the
    ///     event loop, so not for timing runs.
    static func start(
        speaking kind: Kind,
        replyDelay: Duration = .zero,
        pushback: Pushback = Pushback(),
        captureDirectory: String? = nil
    ) async throws -> BenchmarkHTTPReceiver {
        let statistics = Statistics()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(
                            kind: kind,
                            statistics: statistics,
                            replyDelay: TimeAmount(replyDelay),
                            pushback: pushback,
                            captureDirectory: captureDirectory
                        )
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return BenchmarkHTTPReceiver(serverChannel: channel, statistics: statistics)
    }

    func stop() async {
        try? await serverChannel.close().get()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let kind: Kind
        private let statistics: Statistics
        private var lineFeeds = 0
        private var bytes = 0
        private var keepAlive = true
        private var isTokenRequest = false
        private let replyDelay: TimeAmount
        private let pushback: Pushback
        private let captureDirectory: String?
        private var captured: [UInt8] = []

        init(kind: Kind, statistics: Statistics, replyDelay: TimeAmount, pushback: Pushback, captureDirectory: String?)
        {
            self.kind = kind
            self.statistics = statistics
            self.replyDelay = replyDelay
            self.pushback = pushback
            self.captureDirectory = captureDirectory
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                lineFeeds = 0
                bytes = 0
                captured = []
                keepAlive = head.isKeepAlive
                isTokenRequest = kind == .azureMonitor && head.uri.contains("/oauth2/v2.0/token")
            case .body(let buffer):
                bytes += buffer.readableBytes
                if captureDirectory != nil { captured.append(contentsOf: buffer.readableBytesView) }
                if kind == .elasticsearch {
                    buffer.withUnsafeReadableBytes { raw in
                        for byte in raw where byte == UInt8(ascii: "\n") { lineFeeds += 1 }
                    }
                }
            case .end:
                if isTokenRequest { return respondWithToken(context: context) }
                let number = statistics.requests.wrappingAdd(1, ordering: .relaxed).newValue
                statistics.bodyBytes.add(bytes, ordering: .relaxed)
                if let captureDirectory {
                    _ = FileManager.default.createFile(
                        atPath: captureDirectory + "/request-\(number).bin",
                        contents: Data(captured)
                    )
                }
                if replyDelay > .zero {
                    let lineFeeds = lineFeeds
                    let keepAlive = keepAlive
                    context.eventLoop.assumeIsolated().scheduleTask(in: replyDelay) {
                        self.respond(context: context, lineFeeds: lineFeeds, keepAlive: keepAlive)
                    }
                } else {
                    respond(context: context, lineFeeds: lineFeeds, keepAlive: keepAlive)
                }
            }
        }

        private func respond(context: ChannelHandlerContext, lineFeeds: Int, keepAlive: Bool) {
            var body = context.channel.allocator.buffer(capacity: 64)
            var contentType = "application/json"
            var status = HTTPResponseStatus.ok
            let sequence = statistics.requestSequence.wrappingAdd(1, ordering: .relaxed).oldValue
            if pushback.failEvery > 0, sequence % pushback.failEvery == pushback.failEvery - 1 {
                statistics.failedRequests.add(1, ordering: .relaxed)
                status = .serviceUnavailable
                body.writeString(#"{"text":"Server is busy","code":9}"#)
            } else {
                switch kind {
                case .webhook:
                    contentType = "text/plain"
                case .splunkHEC:
                    body.writeString(#"{"text":"Success","code":0}"#)
                case .elasticsearch:
                    writeBulkItems(lineFeeds / 2, to: &body)
                case .azureMonitor:
                    status = .noContent
                case .otlp:
                    // An ExportLogsServiceResponse without partial_success is zero bytes.
                    contentType = "application/x-protobuf"
                }
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
        }

        /// A client-credentials grant, answered without checking: the benchmark measures the sink.
        private func respondWithToken(context: ChannelHandlerContext) {
            var body = context.channel.allocator.buffer(capacity: 96)
            body.writeString(#"{"token_type":"Bearer","expires_in":3599,"access_token":"benchmark-token"}"#)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                promise: nil
            )
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        /// One result per action: 201, or 429 for every `deferEvery`-th item overall.
        private func writeBulkItems(_ items: Int, to body: inout ByteBuffer) {
            let stored = #"{"create":{"status":201}}"#
            let deferred =
                #"{"create":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}}"#
            body.reserveCapacity(40 + items * 26)
            var anyDeferred = false
            var results: [String] = []
            results.reserveCapacity(items)
            for _ in 0..<items {
                let sequence = statistics.itemSequence.wrappingAdd(1, ordering: .relaxed).oldValue
                if pushback.deferEvery > 0, sequence % pushback.deferEvery == pushback.deferEvery - 1 {
                    anyDeferred = true
                    statistics.deferredItems.add(1, ordering: .relaxed)
                    results.append(deferred)
                } else {
                    statistics.storedItems.add(1, ordering: .relaxed)
                    results.append(stored)
                }
            }
            body.writeString(anyDeferred ? #"{"errors":true,"items":["# : #"{"errors":false,"items":["#)
            body.writeString(results.joined(separator: ","))
            body.writeString("]}")
        }
    }
}
