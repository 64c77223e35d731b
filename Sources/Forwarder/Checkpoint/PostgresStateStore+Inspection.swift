import PostgresNIO

extension PostgresStateStore {
    /// What the database holds for this pipeline, read without writing anything (`check`,
    /// `checkpoint show`): the tables may not exist yet.
    public struct Inspection: Sendable {
        /// The lease row.
        public struct Lease: Sendable {
            public var holder: String
            public var epoch: Int64
            /// Seconds until it expires by the database's clock; zero or less: expired (free).
            public var secondsLeft: Double
            public var isLive: Bool { secondsLeft > 0 }
        }

        /// `nil` when the tables were not created yet (the first `run` creates them).
        public var schemaVersion: Int?
        public var lease: Lease?
        /// The epoch that wrote the checkpoint row and when (UTC), `nil` when there is none.
        public var checkpointWritten: (epoch: Int64, at: String)?
    }

    /// Reads the schema version, the lease row and the checkpoint row's metadata.
    public func inspect() async throws(StateStoreError) -> Inspection {
        let (schema, pipeline, logger) = (settings.schema, settings.pipeline, logger)
        return try await run("read the state tables") { connection in
            var inspection = Inspection()
            var exists = false
            let found = try await connection.query(
                "SELECT to_regclass(\(schema + ".schema_version")) IS NOT NULL",
                logger: logger
            )
            for try await value in found.decode(Bool.self) { exists = value }
            guard exists else { return inspection }
            let versions = try await connection.query(
                "SELECT max(version) FROM \(unescaped: schema).schema_version",
                logger: logger
            )
            for try await value in versions.decode(Int?.self) { inspection.schemaVersion = value }
            let leases = try await connection.query(
                """
                SELECT holder, epoch, extract(epoch FROM expires_at - clock_timestamp())::float8
                FROM \(unescaped: schema).lease WHERE pipeline = \(pipeline)
                """,
                logger: logger
            )
            for try await (holder, epoch, left) in leases.decode((String, Int64, Double).self) {
                inspection.lease = .init(holder: holder, epoch: epoch, secondsLeft: left)
            }
            let checkpoints = try await connection.query(
                """
                SELECT epoch, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                FROM \(unescaped: schema).checkpoint WHERE pipeline = \(pipeline)
                """,
                logger: logger
            )
            for try await (epoch, at) in checkpoints.decode((Int64, String).self) {
                inspection.checkpointWritten = (epoch, at)
            }
            return inspection
        }
    }
}
