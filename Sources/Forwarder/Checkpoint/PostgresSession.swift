import Logging
import PostgresNIO

/// One connection to PostgreSQL, opened on demand, dropped on any failure and bounded in time.
///
/// Not a pool: the state backend sends a handful of small statements per second, and the lease
/// needs to know *when* an operation failed. A pool retries connections with its own growing
/// backoff and queues requests behind it, so a renewal could wait past the lease without an
/// answer; here every operation either completes within ``timeout`` or fails, and the next one
/// connects afresh. Call ``close()`` before releasing a session: PostgresNIO requires every
/// connection to be closed explicitly.
public actor PostgresSession {
    private let configuration: PostgresConnection.Configuration
    private let timeout: Duration
    private let logger: Logger
    private var connection: PostgresConnection?
    private var nextID = 0

    /// - Parameters:
    ///   - configuration: where and as whom (its `connectTimeout` bounds connecting).
    ///   - timeout: the longest any one operation may take, connecting included.
    public init(configuration: PostgresConnection.Configuration, timeout: Duration, logger: Logger) {
        self.configuration = configuration
        self.timeout = timeout
        self.logger = logger
    }

    /// Runs `body` on the connection. A failure or an overrun closes the connection, so a query
    /// stuck on a dead server ends instead of waiting for TCP to give up.
    func run<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await open()
        let watchdog = Task { [timeout] in
            try await Task.sleep(for: timeout)
            try? await connection.close()
        }
        defer { watchdog.cancel() }
        do {
            return try await body(connection)
        } catch {
            drop(connection)
            throw error
        }
    }

    /// Closes the connection (shutdown).
    public func close() async {
        let current = connection
        connection = nil
        try? await current?.close()
    }

    private func open() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        nextID += 1
        let opened = try await PostgresConnection.connect(configuration: configuration, id: nextID, logger: logger)
        if let connection, !connection.isClosed {
            // Another operation connected while this one waited: keep one connection.
            try? await opened.close()
            return connection
        }
        connection = opened
        return opened
    }

    private func drop(_ failed: PostgresConnection) {
        guard connection === failed else { return }
        connection = nil
        Task { try? await failed.close() }
    }
}
