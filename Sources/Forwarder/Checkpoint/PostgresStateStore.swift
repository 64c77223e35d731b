import ForwarderCore
import Logging
import NIOCore
import PostgresNIO

/// The checkpoint and the lease of one pipeline in PostgreSQL.
///
/// Three tables in ``Settings/schema``: `schema_version`, `lease` (one row per pipeline: holder,
/// epoch, expiry) and `checkpoint` (one row per pipeline: the same bytes as the checkpoint file,
/// with their integrity check, and the epoch that wrote them). Every time comparison uses the
/// database's clock, never the hosts'. The statements are in `docs/high-availability.md`.
///
/// Every operation runs on one ``PostgresSession`` and fails, retryable, when the database
/// cannot answer within the session's timeout.
public struct PostgresStateStore: Sendable {
    /// Which rows, and as whom.
    public struct Settings: Sendable, Hashable {
        /// The schema holding the tables (created if missing).
        public var schema: String
        /// The pipeline's name: the key of its lease and checkpoint rows.
        public var pipeline: String
        /// This replica's identity in the lease row (host name and process instance).
        public var holder: String

        public init(schema: String = "compliance_forwarder", pipeline: String, holder: String) {
            self.schema = schema
            self.pipeline = pipeline
            self.holder = holder
        }
    }

    /// The schema version this code writes; a database at a higher version is refused.
    public static let schemaVersion = 1

    let session: PostgresSession
    public let settings: Settings
    let logger: Logger

    public init(session: PostgresSession, settings: Settings, logger: Logger) throws(StateStoreError) {
        guard ForwarderConfiguration.State.Postgres.isPlainIdentifier(settings.schema) else {
            throw StateStoreError(
                .incompatible,
                "schema \"\(settings.schema)\" must be lower-case letters, digits and underscores (at most 63)"
            )
        }
        self.session = session
        self.settings = settings
        self.logger = logger
    }

    /// Creates or migrates the tables; safe to run from several replicas at once.
    public func migrate() async throws(StateStoreError) {
        let schema = settings.schema
        let logger = logger
        let found: Int? = try await run("migrate") { connection in
            try await connection.withTransaction(logger: logger) { connection in
                // One replica migrates at a time; the others find the work done.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(schema)))", logger: logger)
                try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)", logger: logger)
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS \(unescaped: schema).schema_version (version integer NOT NULL)",
                    logger: logger
                )
                var version: Int?
                let rows = try await connection.query(
                    "SELECT max(version) FROM \(unescaped: schema).schema_version",
                    logger: logger
                )
                for try await value in rows.decode(Int?.self) { version = value }
                if (version ?? 0) < 1 {
                    try await connection.query(
                        """
                        CREATE TABLE \(unescaped: schema).lease (
                            pipeline text PRIMARY KEY,
                            holder text NOT NULL,
                            epoch bigint NOT NULL,
                            expires_at timestamptz NOT NULL,
                            acquired_at timestamptz NOT NULL
                        )
                        """,
                        logger: logger
                    )
                    try await connection.query(
                        """
                        CREATE TABLE \(unescaped: schema).checkpoint (
                            pipeline text PRIMARY KEY,
                            state bytea NOT NULL,
                            epoch bigint NOT NULL,
                            updated_at timestamptz NOT NULL
                        )
                        """,
                        logger: logger
                    )
                    try await connection.query(
                        "INSERT INTO \(unescaped: schema).schema_version (version) VALUES (1)",
                        logger: logger
                    )
                }
                return version
            }
        }
        if let found, found > Self.schemaVersion {
            throw StateStoreError(
                .incompatible,
                "the schema \(schema) is at version \(found); this forwarder knows up to \(Self.schemaVersion): upgrade it"
            )
        }
    }

    /// The committed checkpoint, `nil` when none was written yet.
    ///
    /// - Parameter source: The source's name with several sources (its row is
    ///   `<pipeline>/<source>`); `nil` for the pipeline's own row.
    public func load(source: String? = nil) async throws(StateStoreError) -> CheckpointState? {
        let (schema, pipeline, logger) = (settings.schema, checkpointKey(source), logger)
        let stored: [UInt8]? = try await run("load") { connection in
            let rows = try await connection.query(
                "SELECT state FROM \(unescaped: schema).checkpoint WHERE pipeline = \(pipeline)",
                logger: logger
            )
            var bytes: [UInt8]?
            for try await value in rows.decode(ByteBuffer.self) { bytes = Array(value.readableBytesView) }
            return bytes
        }
        guard let stored else { return nil }
        do {
            return try CheckpointCodec.decode(stored)
        } catch {
            throw StateStoreError(
                .corruptCheckpoint,
                "the checkpoint row of pipeline \(pipeline) in \(schema).checkpoint cannot be trusted: \(error)."
                    + " Nothing was changed. To recover, run `compliance-forwarder checkpoint reset` with a time at or"
                    + " before the last activity you know was delivered"
            )
        }
    }

    /// Takes the lease if it is free or expired: the new epoch, or `nil` while another replica
    /// (or an earlier life of this one) holds a live lease.
    public func acquireLease(duration: Duration) async throws(StateStoreError) -> Int64? {
        let (schema, pipeline, holder) = (settings.schema, settings.pipeline, settings.holder)
        let milliseconds = Self.milliseconds(duration)
        return try await returnedEpoch(
            "acquire the lease",
            """
            INSERT INTO \(unescaped: schema).lease AS lease (pipeline, holder, epoch, expires_at, acquired_at)
            VALUES (\(pipeline), \(holder), 1,
                    clock_timestamp() + \(milliseconds) * interval '1 millisecond', clock_timestamp())
            ON CONFLICT (pipeline) DO UPDATE
                SET holder = EXCLUDED.holder, epoch = lease.epoch + 1,
                    expires_at = EXCLUDED.expires_at, acquired_at = EXCLUDED.acquired_at
                WHERE lease.expires_at <= clock_timestamp()
            RETURNING epoch
            """
        )
    }

    /// Extends the lease held under `epoch`; `false` when this replica no longer holds it.
    public func renewLease(epoch: Int64, duration: Duration) async throws(StateStoreError) -> Bool {
        let (schema, pipeline, holder) = (settings.schema, settings.pipeline, settings.holder)
        let milliseconds = Self.milliseconds(duration)
        return try await returnedEpoch(
            "renew the lease",
            """
            UPDATE \(unescaped: schema).lease
            SET expires_at = clock_timestamp() + \(milliseconds) * interval '1 millisecond'
            WHERE pipeline = \(pipeline) AND holder = \(holder) AND epoch = \(epoch)
              AND expires_at > clock_timestamp()
            RETURNING epoch
            """
        ) != nil
    }

    /// Gives the lease up at once (graceful shutdown), so a standby need not wait for expiry.
    public func releaseLease(epoch: Int64) async throws(StateStoreError) {
        let (schema, pipeline, holder) = (settings.schema, settings.pipeline, settings.holder)
        _ = try await returnedEpoch(
            "release the lease",
            """
            UPDATE \(unescaped: schema).lease SET expires_at = clock_timestamp()
            WHERE pipeline = \(pipeline) AND holder = \(holder) AND epoch = \(epoch)
            RETURNING epoch
            """
        )
    }

    /// Writes `state` if, and only if, `epoch` still owns an unexpired lease, in one statement:
    /// `false` when the lease is gone (the caller must stop delivering).
    ///
    /// The lease row is locked `FOR SHARE` while the row is written, so a takeover (which updates
    /// the lease row) is ordered entirely before or after this commit: before, the epoch no longer
    /// matches and nothing is written; after, the new leader loads what this commit wrote. A
    /// checkpoint written by a newer epoch is never overwritten by an older one.
    public func commit(
        _ state: CheckpointState,
        epoch: Int64,
        source: String? = nil
    ) async throws(StateStoreError) -> Bool {
        let (schema, pipeline, holder) = (settings.schema, settings.pipeline, settings.holder)
        let key = checkpointKey(source)
        let bytes = ByteBuffer(bytes: CheckpointCodec.encode(state))
        return try await returnedEpoch(
            "commit the checkpoint",
            """
            WITH owner AS (
                SELECT epoch FROM \(unescaped: schema).lease
                WHERE pipeline = \(pipeline) AND holder = \(holder) AND epoch = \(epoch)
                  AND expires_at > clock_timestamp()
                FOR SHARE
            )
            INSERT INTO \(unescaped: schema).checkpoint AS checkpoint (pipeline, state, epoch, updated_at)
            SELECT \(key), \(bytes), owner.epoch, clock_timestamp() FROM owner
            ON CONFLICT (pipeline) DO UPDATE
                SET state = EXCLUDED.state, epoch = EXCLUDED.epoch, updated_at = EXCLUDED.updated_at
                WHERE checkpoint.epoch <= EXCLUDED.epoch
            RETURNING epoch
            """
        ) != nil
    }

    /// Replaces the checkpoint whoever holds the lease (`checkpoint reset` and `migrate`, run by
    /// an operator while the forwarder is stopped). Keeps the epoch, so a running leader's next
    /// commit still succeeds: stop the forwarder first.
    public func overwrite(_ state: CheckpointState, source: String? = nil) async throws(StateStoreError) {
        let (schema, pipeline) = (settings.schema, checkpointKey(source))
        let bytes = ByteBuffer(bytes: CheckpointCodec.encode(state))
        _ = try await returnedEpoch(
            "write the checkpoint",
            """
            INSERT INTO \(unescaped: schema).checkpoint AS checkpoint (pipeline, state, epoch, updated_at)
            VALUES (\(pipeline), \(bytes), 0, clock_timestamp())
            ON CONFLICT (pipeline) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
            RETURNING epoch
            """
        )
    }

    /// The checkpoint row's key: the pipeline's, or `<pipeline>/<source>` for a named source.
    func checkpointKey(_ source: String?) -> String {
        source.map { settings.pipeline + "/" + $0 } ?? settings.pipeline
    }

    /// Runs a statement that returns `epoch` for the row it wrote: the first value, `nil` if none.
    private func returnedEpoch(_ what: String, _ query: PostgresQuery) async throws(StateStoreError) -> Int64? {
        let logger = logger
        return try await run(what) { connection in
            var first: Int64?
            for try await value in try await connection.query(query, logger: logger).decode(Int64.self)
            where first == nil {
                first = value
            }
            return first
        }
    }

    func run<T: Sendable>(
        _ what: String,
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws(StateStoreError) -> T {
        do {
            return try await session.run(body)
        } catch {
            throw StateStoreError(.unavailable, "cannot \(what): \(Self.describe(error))")
        }
    }

    /// PostgresNIO hides a `PSQLError`'s details from `description` (they may quote SQL with
    /// data); the server's own message and SQLSTATE name the problem without the statement.
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        var text = "\(psql.code)"
        if let info = psql.serverInfo {
            if let message = info[.message] { text += ": " + message }
            if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
        } else if let underlying = psql.underlying {
            text += ": \(underlying)"
        }
        return text
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
