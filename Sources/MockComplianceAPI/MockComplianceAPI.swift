import ComplianceAPI
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// An in-process simulator of `GET /v1/compliance/activities` that behaves like the real endpoint.
///
/// It serves the exact wire contract (parameters validated by its own parser, both orders and
/// cursors, filters, ties broken by id, the error body shape, `request-id`, rate-limit headers and
/// 429s), seeded realistic data for every activity type and actor variant, live records some of
/// which become visible late, and faults on demand. Tests, `demo`, benchmarks and users testing
/// their SIEM wiring all use it.
///
/// ```swift
/// let mock = try await MockComplianceAPI.bind(configuration: .init(backlog: 10_000))
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await mock.run() }
///     // … point a client at mock.baseURL …
///     group.cancelAll()
/// }
/// ```
public final class MockComplianceAPI: Service, Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// `0` picks a free port; read it back from ``MockComplianceAPI/port``.
        public var port: Int
        /// The only key accepted; `nil` accepts any non-empty key. A missing or other key gets 404.
        public var apiKey: String?
        /// Seeds the data and the random faults: the same seed serves the same records.
        public var seed: UInt64
        /// Records that exist before the first request.
        public var backlog: Int
        /// The time the backlog spans.
        public var backlogSpan: Duration
        /// When the backlog ends; defaults to two minutes before the mock starts.
        public var backlogEnd: RFC3339Timestamp?
        /// New records per second of (clock) time; 0 for none.
        public var liveRate: Double
        /// The usual delay between a record's `created_at` and it becoming queryable (random up to this).
        public var ingestionDelay: Duration
        /// The share of live records that become visible late, behind the present.
        public var lateFraction: Double
        /// The longest delay of a late record.
        public var maximumLateness: Duration
        /// Whether every request adds a `compliance_api_accessed` record, as the real feed does.
        public var recordAccess: Bool
        /// Every n-th generated record lacks its `id` (0: never), to exercise quarantine.
        public var recordsWithoutIDEvery: Int
        /// The organisation-wide budget per minute.
        public var rateLimitPerMinute: Int
        /// The share of requests answered with a random fault from ``randomFaults``.
        public var faultRate: Double
        public var randomFaults: [MockFault]
        /// Keeps every record's JSON (about 0.7 KB each) once rendered, so serving a page is a copy
        /// rather than a render. For benchmarks, where the mock shares the machine's CPU with the
        /// forwarder it feeds; the real API runs elsewhere.
        public var prerendersRecords: Bool
        /// Where the mock reads the time; tests share a ``VirtualClock`` with the client.
        public var clock: any APIClock

        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            apiKey: String? = nil,
            seed: UInt64 = 1,
            backlog: Int = 0,
            backlogSpan: Duration = .seconds(86_400),
            backlogEnd: RFC3339Timestamp? = nil,
            liveRate: Double = 0,
            ingestionDelay: Duration = .seconds(2),
            lateFraction: Double = 0.02,
            maximumLateness: Duration = .seconds(60),
            recordAccess: Bool = true,
            recordsWithoutIDEvery: Int = 0,
            rateLimitPerMinute: Int = 600,
            faultRate: Double = 0,
            randomFaults: [MockFault] = [],
            prerendersRecords: Bool = false,
            clock: any APIClock = SystemAPIClock()
        ) {
            self.host = host
            self.port = port
            self.apiKey = apiKey
            self.seed = seed
            self.backlog = backlog
            self.backlogSpan = backlogSpan
            self.backlogEnd = backlogEnd
            self.liveRate = liveRate
            self.ingestionDelay = ingestionDelay
            self.lateFraction = lateFraction
            self.maximumLateness = maximumLateness
            self.recordAccess = recordAccess
            self.recordsWithoutIDEvery = recordsWithoutIDEvery
            self.rateLimitPerMinute = rateLimitPerMinute
            self.faultRate = faultRate
            self.randomFaults = randomFaults
            self.prerendersRecords = prerendersRecords
            self.clock = clock
        }
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    public let configuration: Configuration
    /// The port the mock listens on.
    public let port: Int
    private let serverChannel: NIOAsyncChannel<Connection, Never>
    let state: Mutex<MockState>
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let logger: Logger

    /// `http://host:port`, for a client's base URL.
    public var baseURL: String { "http://\(configuration.host):\(port)" }

    /// Generates the backlog and binds the listening socket; call ``run()`` to serve.
    public static func bind(
        configuration: Configuration,
        logger: Logger = Logger(label: "MockComplianceAPI")
    ) async throws
        -> MockComplianceAPI
    {
        let serverChannel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return MockComplianceAPI(configuration: configuration, serverChannel: serverChannel, logger: logger)
    }

    private init(configuration: Configuration, serverChannel: NIOAsyncChannel<Connection, Never>, logger: Logger) {
        self.configuration = configuration
        self.serverChannel = serverChannel
        self.port = serverChannel.channel.localAddress?.port ?? configuration.port
        self.state = Mutex(MockState(configuration: configuration, now: configuration.clock.now))
        self.logger = logger
    }

    /// Serves until cancelled or until graceful shutdown, then closes every connection.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await serverChannel.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in inbound {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                }
            } onCancel: {
                self.closeEverything()
            }
        } onGracefulShutdown: {
            self.closeEverything()
        }
    }

    private func closeEverything() {
        serverChannel.channel.close(promise: nil)
        let open = connections.withLock { Array($0.values) }
        for channel in open { channel.close(promise: nil) }
    }

    private func serve(_ connection: Connection) async {
        let key = ObjectIdentifier(connection.channel)
        connections.withLock { $0[key] = connection.channel }
        defer { _ = connections.withLock { $0.removeValue(forKey: key) } }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                    case .body:
                        continue
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        if try await respond(to: requestHead, connection: connection, outbound: outbound) == false {
                            return
                        }
                    }
                }
            }
        } catch {
            logger.debug("mock connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Writes one response; `false` when the connection was reset instead.
    private func respond(
        to head: HTTPRequestHead,
        connection: Connection,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        let uri = head.uri
        let path: String
        let query: String
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            query = String(uri[uri.index(after: mark)...])
        } else {
            path = uri
            query = ""
        }
        let now = configuration.clock.now
        let reply: MockState.Reply
        if head.method != .GET {
            reply = .response(
                status: 405,
                headers: [("content-type", "application/json")],
                body: Array(
                    #"{"type":"error","error":{"type":"invalid_request_error","message":"Method not allowed"}}"#.utf8
                ),
                delay: nil
            )
        } else {
            let apiKey = head.headers.first(name: "x-api-key")
            reply = state.withLock { $0.reply(path: path, query: query, apiKey: apiKey, now: now) }
        }
        switch reply {
        case .reset:
            // SO_LINGER with a zero timeout turns close() into a TCP RST, as a dropped connection sends.
            if let socket = connection.channel as? any SocketOptionProvider {
                try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await connection.channel.close().get()
            return false
        case .response(let status, let headers, let body, let delay):
            if let delay { try await Task.sleep(for: delay) }
            var responseHeaders = HTTPHeaders(headers)
            responseHeaders.add(name: "content-length", value: String(body.count))
            try await outbound.write(
                .head(
                    HTTPResponseHead(
                        version: head.version,
                        status: HTTPResponseStatus(statusCode: status),
                        headers: responseHeaders
                    )
                )
            )
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
            try await outbound.write(.end(nil))
            return true
        }
    }
}
