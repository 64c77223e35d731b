import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the observability endpoints, over a real socket.
struct ObservabilityClient {
    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    struct Reply: Sendable {
        var status: Int
        var body: String
    }

    let port: Int

    /// One request on a fresh connection.
    func request(_ path: String, method: HTTPMethod = .GET) async throws -> Reply {
        let connection = try await connect()
        return try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            return try await Self.exchange(path, method: method, inbound: &iterator, outbound: outbound)
        }
    }

    /// `GET path` answered 200 and its body; `nil` for any other outcome (not listening yet…).
    func body(_ path: String) async -> String? {
        guard let reply = try? await request(path), reply.status == 200 else { return nil }
        return reply.body
    }

    func connect() async throws -> Connection {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Sends one keep-alive request on an open connection and reads the reply.
    static func exchange(
        _ path: String,
        method: HTTPMethod = .GET,
        inbound: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) async throws -> Reply {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1")
        try await outbound.write(.head(head))
        try await outbound.write(.end(nil))
        var status = 0
        var body: [UInt8] = []
        while let part = try await inbound.next() {
            switch part {
            case .head(let response): status = Int(response.status.code)
            case .body(let buffer): body.append(contentsOf: buffer.readableBytesView)
            case .end: return Reply(status: status, body: String(decoding: body, as: UTF8.self))
            }
        }
        throw CancellationError()
    }
}

/// The port the forwarder logged for its observability server (`"address":"127.0.0.1:PORT"`).
func loggedServerPort(in log: URL, timeout: Duration = .seconds(30)) async throws -> Int? {
    var port: Int?
    _ = try await eventually(timeout: timeout) {
        guard let text = try? String(contentsOf: log, encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.contains("observability server listening") }),
            let range = line.range(of: "\"address\":\"127.0.0.1:")
        else { return false }
        port = Int(line[range.upperBound...].prefix { $0.isNumber })
        return port != nil
    }
    return port
}

/// ``eventually(timeout:every:_:)`` for a condition that has to await (an HTTP request).
func eventuallyAsync(
    timeout: Duration = .seconds(60),
    every interval: Duration = .milliseconds(50),
    _ condition: () async -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return await condition()
}
