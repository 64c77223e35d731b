import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore

/// `compliance-forwarder checkpoint show|reset`.
struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Show or reset the stored position in the feed.",
        subcommands: [Show.self, Reset.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the committed cursor and remembered ids.")

        @Option(name: .shortAndLong, help: "The YAML configuration file.") var config: String

        func run() async throws {
            let configuration = try CommandSupport.loadConfiguration(config)
            try await CommandSupport.withExitCodes {
                let store = CheckpointStore(path: configuration.checkpoint.path)
                guard let state = try store.load() else {
                    print(
                        "no checkpoint at \(store.path): the next run starts at source.start (\(configuration.source.start))"
                    )
                    return
                }
                print("checkpoint: \(store.path)")
                print("  cursor:            \(state.cursor ?? "(none yet)")")
                print("  cursor created_at: \(state.cursorCreatedAt?.description ?? "-")")
                print("  start:             \(state.start)")
                print("  remembered ids:    \(state.delivered.count) (overlap horizon)")
                print("  updated:           \(state.updatedAt?.description ?? "-")")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the checkpoint so the next run starts at --since (or source.start).",
            discussion: "Duplicates are safer than gaps: choose a time at or before the last activity known delivered."
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
                let start = since.flatMap { RFC3339Timestamp($0) } ?? configuration.source.start.resolved(now: .now)
                let store = CheckpointStore(path: configuration.checkpoint.path)
                try store.save(CheckpointState(start: start, updatedAt: .now))
                print("checkpoint reset: the next run starts at \(start) (\(store.path))")
            }
        }
    }
}
