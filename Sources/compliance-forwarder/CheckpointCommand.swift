import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Logging

/// `compliance-forwarder checkpoint show|reset|migrate`, on the configured state backend.
struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Show, reset or migrate the stored position in the feed.",
        subcommands: [Show.self, Reset.self, Migrate.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the committed cursor and remembered ids.")

        @Option(name: .shortAndLong, help: "The YAML configuration file.") var config: String

        func run() async throws {
            let configuration = try CommandSupport.loadConfiguration(config)
            try await CommandSupport.withExitCodes {
                guard case .postgres(let postgres) = configuration.state.backend else {
                    for source in configuration.sources {
                        let store = CheckpointStore(path: configuration.checkpoint.path(for: source))
                        Self.print(try store.load(), at: store.path, source: source, sinks: configuration.sinks)
                    }
                    return
                }
                try await PostgresStateStore.using(postgres) { store in
                    let inspection = try await store.inspect()
                    for source in configuration.sources {
                        let state = inspection.schemaVersion == nil ? nil : try await store.load(source: source.name)
                        let row = source.name.map { "\(postgres.name)/\($0)" } ?? postgres.name
                        Self.print(
                            state,
                            at: "postgres \(postgres.redacted) \(postgres.schema).checkpoint name \(row)",
                            source: source,
                            sinks: configuration.sinks
                        )
                    }
                    if let written = inspection.checkpointWritten {
                        Swift.print("  written by epoch:  \(written.epoch) at \(written.at)")
                    }
                    if let lease = inspection.lease {
                        let left = Int(lease.secondsLeft.rounded(.up))
                        Swift.print(
                            lease.isLive
                                ? "lease: held by \(lease.holder), epoch \(lease.epoch), \(left) s left"
                                : "lease: free (last epoch \(lease.epoch), held by \(lease.holder))"
                        )
                    } else {
                        Swift.print("lease: never taken")
                    }
                }
            }
        }

        static func print(
            _ state: CheckpointState?,
            at place: String,
            source: ForwarderConfiguration.Source,
            sinks: [ForwarderConfiguration.Sink]
        ) {
            guard let state else {
                Swift.print("no checkpoint at \(place): the next run starts at source.start (\(source.start))")
                return
            }
            Swift.print("checkpoint: \(place)")
            Swift.print("  cursor:            \(state.cursor ?? "(none yet)")")
            Swift.print("  cursor created_at: \(state.cursorCreatedAt?.description ?? "-")")
            Swift.print("  start:             \(state.start)")
            Swift.print("  remembered ids:    \(state.delivered.count) (overlap horizon)")
            Swift.print("  updated:           \(state.updatedAt?.description ?? "-")")
            printSinkProgress(state.sinkProgress, sinks: sinks.map(\.name))
        }

        /// Per-sink resume: how far each configured sink is ahead of the cursor (what a restart
        /// will not send it again), and progress kept for names no longer configured.
        static func printSinkProgress(_ progress: SinkProgress, sinks: [String]) {
            Swift.print("  acknowledged beyond the cursor, per sink (not re-sent after a restart):")
            for name in sinks {
                let count = progress.ids(of: name).count
                Swift.print("    \(name): \(count) \(count == 1 ? "activity" : "activities")")
            }
            for name in progress.acknowledged.keys.sorted() where !sinks.contains(name) {
                Swift.print(
                    "    \(name): \(progress.ids(of: name).count) (not configured: ignored, dropped at the next write)"
                )
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the checkpoint so the next run starts at --since (or source.start).",
            discussion: """
                Duplicates are safer than gaps: choose a time at or before the last activity known delivered. \
                With state.backend postgres, stop every replica first: the reset is refused while one holds \
                the lease.
                """
        )

        @Option(name: .shortAndLong, help: "The YAML configuration file.") var config: String
        @Option(help: "Where the next run starts (RFC 3339); default: source.start.") var since: String?

        func validate() throws {
            if let since, RFC3339Timestamp(since) == nil {
                throw ValidationError("--since is not an RFC 3339 time: \(since)")
            }
        }

        func run() async throws {
            let configuration = try CommandSupport.loadConfiguration(config)
            try await CommandSupport.withExitCodes {
                guard case .postgres(let postgres) = configuration.state.backend else {
                    for source in configuration.sources {
                        let start = start(of: source)
                        let store = CheckpointStore(path: configuration.checkpoint.path(for: source))
                        try store.save(CheckpointState(start: start, updatedAt: .now))
                        print("checkpoint reset: the next run starts at \(start) (\(store.path))")
                    }
                    return
                }
                try await PostgresStateStore.using(postgres) { store in
                    for source in configuration.sources {
                        let start = start(of: source)
                        try await store.overwriteWhileStopped(
                            CheckpointState(start: start, updatedAt: .now),
                            source: source.name
                        )
                        let row = source.name.map { "\(postgres.name)/\($0)" } ?? postgres.name
                        print(
                            "checkpoint reset: the next run starts at \(start) (postgres \(postgres.redacted), name \(row))"
                        )
                    }
                }
            }
        }

        /// `--since`, or the source's own start.
        func start(of source: ForwarderConfiguration.Source) -> RFC3339Timestamp {
            since.flatMap { RFC3339Timestamp($0) } ?? source.start.resolved(now: .now)
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the checkpoint file (checkpoint.path) into the PostgreSQL state backend.",
            discussion: """
                For moving a running deployment to state.backend postgres: stop the forwarder, set the state \
                section, run this, then start the replicas. Refused while a replica holds the lease, and when \
                the database already has a checkpoint for this name (unless --replace).
                """
        )

        @Option(name: .shortAndLong, help: "The YAML configuration file (with state.backend: postgres).")
        var config: String
        @Option(help: "The backend to import into (postgres).") var to: String
        @Flag(help: "Replace a checkpoint the database already has.") var replace = false

        func validate() throws {
            guard to == "postgres" else { throw ValidationError("--to: the only target is postgres, got \(to)") }
        }

        func run() async throws {
            let configuration = try CommandSupport.loadConfiguration(config)
            try await CommandSupport.withExitCodes {
                guard case .postgres(let postgres) = configuration.state.backend else {
                    CommandSupport.printError(
                        "error: \(config): state.backend is not postgres; set the state section first"
                    )
                    throw ExitCode(ForwarderExitCode.configurationInvalid.rawValue)
                }
                var imports: [(ForwarderConfiguration.Source, CheckpointStore, CheckpointState)] = []
                for source in configuration.sources {
                    let file = CheckpointStore(path: configuration.checkpoint.path(for: source))
                    guard let state = try file.load() else {
                        CommandSupport.printError(
                            "error: no checkpoint file at \(file.path) (checkpoint.path): nothing to import"
                        )
                        throw ExitCode(ForwarderExitCode.ioError.rawValue)
                    }
                    imports.append((source, file, state))
                }
                try await PostgresStateStore.using(postgres) { store in
                    try await store.migrate()
                    for (source, _, _) in imports where !replace {
                        if try await store.load(source: source.name) != nil {
                            CommandSupport.printError(
                                "error: the database already has a checkpoint for name \(postgres.name)"
                                    + (source.name.map { "/\($0)" } ?? "")
                                    + "; `checkpoint show` prints it, --replace overwrites it"
                            )
                            throw ExitCode(ForwarderExitCode.dataInvalid.rawValue)
                        }
                    }
                    for (source, _, state) in imports {
                        try await store.overwriteWhileStopped(state, source: source.name)
                    }
                }
                for (_, file, state) in imports {
                    print(
                        "checkpoint imported: cursor \(state.cursor ?? "(none yet)"), \(state.delivered.count) remembered "
                            + "ids, from \(file.path) into postgres \(postgres.redacted) (name \(postgres.name)). "
                            + "The file is no longer used."
                    )
                }
            }
        }
    }
}

extension PostgresStateStore {
    /// ``overwrite(_:)`` after checking that no replica holds the lease (an operator's write
    /// under a running leader would be undone by its next commit).
    func overwriteWhileStopped(_ state: CheckpointState, source: String?) async throws {
        try await migrate()
        if let lease = try await inspect().lease, lease.isLive {
            CommandSupport.printError(
                "error: \(lease.holder) holds the lease (epoch \(lease.epoch)); stop every replica first, "
                    + "or wait \(Int(lease.secondsLeft.rounded(.up))) s for the lease to expire"
            )
            throw ExitCode(ForwarderExitCode.temporaryFailure.rawValue)
        }
        try await overwrite(state, source: source)
    }
}
