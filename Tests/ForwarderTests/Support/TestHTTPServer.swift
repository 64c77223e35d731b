import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// One request as the test server received it.
struct TestHTTPRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    /// The body as sent (compressed when `Content-Encoding: gzip`).
    var wireBody: [UInt8]
    /// The body after undoing `Content-Encoding: gzip`; `nil` if that failed.
    var body: [UInt8]?

    var path: String { uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri }

    /// The query item `name`, undecoded.
    func query(_ name: String) -> String? {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first.map(String.init) == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }

    var bodyText: String { String(decoding: body ?? [], as: UTF8.self) }
}

/// What the test server does with a request: reply, reply late, or drop the connection.
indirect enum TestHTTPResponse: Sendable {
    case reply(status: Int, headers: [(String, String)] = [], body: String = "")
    /// A reply with a binary body (protobuf).
    case bytes(status: Int, headers: [(String, String)] = [], body: [UInt8])
    /// Close the connection without answering (a reset, as a crashing receiver does).
    case reset
    /// Answer after `delay` (slower than the client's timeout, it is a timeout).
    case delayed(Duration, TestHTTPResponse)

    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> TestHTTPResponse {
        .reply(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }
}

/// A small HTTP/1.1 server on 127.0.0.1, port 0, for speaking webhook, HEC and `_bulk` to the
/// HTTP sink with faults injected by the test's handler.
final class TestHTTPServer: Sendable {
    typealias Handler = @Sendable (TestHTTPRequest) async -> TestHTTPResponse
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    let port: Int
    private let serverChannel: NIOAsyncChannel<Connection, Never>
    private let handler: Handler
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let counter = Mutex(0)

    private let scheme: String

    /// `http://127.0.0.1:<port>` (`https` with TLS).
    var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Requests answered or dropped so far.
    var requestCount: Int { counter.withLock { $0 } }

    private init(serverChannel: NIOAsyncChannel<Connection, Never>, scheme: String, handler: @escaping Handler) {
        self.serverChannel = serverChannel
        self.scheme = scheme
        self.handler = handler
        self.port = serverChannel.channel.localAddress?.port ?? 0
    }

    /// Serves `handler` while `body` runs, then closes every connection.
    ///
    /// - Parameter tls: Serve HTTPS with this context (``TestPKI``) instead of plain HTTP.
    static func withRunning<T: Sendable>(
        tls: NIOSSLContext? = nil,
        _ handler: @escaping Handler,
        _ body: (TestHTTPServer) async throws -> T
    ) async throws -> T {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let server = TestHTTPServer(serverChannel: channel, scheme: tls == nil ? "http" : "https", handler: handler)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await server.serve()
                return nil
            }
            defer {
                server.close()
                group.cancelAll()
            }
            return try await body(server)
        }
    }

    private func serve() async {
        try? await withTaskCancellationHandler {
            try await serverChannel.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask { await self.handle(connection) }
                    }
                }
            }
        } onCancel: {
            self.close()
        }
    }

    func close() {
        serverChannel.channel.close(promise: nil)
        for channel in connections.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }

    private func handle(_ connection: Connection) async {
        let key = ObjectIdentifier(connection.channel)
        connections.withLock { $0[key] = connection.channel }
        defer { _ = connections.withLock { $0.removeValue(forKey: key) } }
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                case .body(let buffer):
                    body.append(contentsOf: buffer.readableBytesView)
                case .end:
                    guard let requestHead = head else { continue }
                    let gzip = requestHead.headers["content-encoding"].contains { $0.lowercased() == "gzip" }
                    let request = TestHTTPRequest(
                        method: requestHead.method,
                        uri: requestHead.uri,
                        headers: requestHead.headers,
                        wireBody: body,
                        body: gzip ? TestGzip.decompress(body) : body
                    )
                    counter.withLock { $0 += 1 }
                    guard try await respond(await handler(request), outbound: outbound) else {
                        connection.channel.close(promise: nil)
                        return
                    }
                }
            }
        }
    }

    /// Writes `response`; `false` when the connection must be dropped instead.
    private func respond(
        _ response: TestHTTPResponse,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        switch response {
        case .reset:
            return false
        case .delayed(let delay, let then):
            try await Task.sleep(for: delay)
            return try await respond(then, outbound: outbound)
        case .reply(let status, let headers, let body):
            return try await respond(
                .bytes(status: status, headers: headers, body: Array(body.utf8)),
                outbound: outbound
            )
        case .bytes(let status, let headers, let body):
            var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
            try await outbound.write(.head(head))
            if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            return true
        }
    }
}
