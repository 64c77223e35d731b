import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Foundation

/// `compliance-forwarder archive keygen|verify`: the archive's signing keys and its proof.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Make the archive's signing key, or verify an archive (see docs/archive.md).",
        subcommands: [Keygen.self, Verify.self]
    )

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new Ed25519 signing key pair for file sink manifests.",
            discussion: """
                Writes \(ArchiveKeyFiles.privateKeyName) (mode 0600; point the file sink's \
                signing_key_file at it) and \(ArchiveKeyFiles.publicKeyName) (give it to whoever \
                verifies) into --out, and prints the public key's fingerprint. Never replaces an \
                existing key file.
                """
        )

        @Option(help: "The directory the key files are written to.") var out: String

        func run() async throws {
            try await CommandSupport.withExitCodes {
                let generated = try ArchiveKeyFiles.generate(in: out)
                print("private key: \(generated.privateKeyPath) (mode 0600: keep it apart from the archive)")
                print("public key:  \(generated.publicKeyPath)")
                print("fingerprint: \(generated.fingerprint)")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an archive directory against its signed, hash-chained manifests.",
            discussion: """
                Checks every segment's length and SHA-256, every gzip member, record counts, \
                first/last ids and record hashes, the chain links and their order, and the \
                signatures; names each problem with its file and check. With --against-api \
                (and --config, --since, --until) it also lists the ids the API holds in the window \
                with the configured key and filters, and names every id the archive lacks and \
                every archived id the API does not know. Exit status: \
                \(ForwarderExitCode.success) intact, \(ForwarderExitCode.dataInvalid) tampered or \
                incomplete, \(ForwarderExitCode.ioError) the archive or key cannot be read, \
                \(ForwarderExitCode.usage) wrong arguments, \(ForwarderExitCode.configurationInvalid) \
                invalid configuration, \(ForwarderExitCode.unavailable) or \
                \(ForwarderExitCode.temporaryFailure) the API refused or failed.
                """
        )

        @Argument(
            help: """
                The archive directory (a file sink's `directory`), or s3://bucket/prefix for an s3 \
                sink's objects (with --config naming that sink).
                """
        )
        var directory: String
        @Option(
            help: """
                A trusted signer's public key file (from `archive keygen`), or a directory of them \
                (every *.pub). Repeat it for the old and new keys of a rotated chain.
                """
        )
        var publicKey: [String] = []
        @Option(help: "Check only segments with records at or after this time (RFC 3339).") var since: String?
        @Option(help: "Check only segments with records before this time (RFC 3339).") var until: String?
        @Flag(help: "Print the report as JSON.") var json = false
        @Flag(help: "Also compare the archive's ids with the ids the API lists in [--since, --until).")
        var againstAPI = false
        @Option(name: .shortAndLong, help: "The YAML configuration (API key and filters) for --against-api.")
        var config: String?

        func validate() throws {
            if directory.hasPrefix("s3://") {
                guard S3ArchiveMirror.parse(directory) != nil else {
                    throw ValidationError("expected s3://bucket/prefix, got \(directory)")
                }
                guard config != nil else {
                    throw ValidationError("s3://… needs --config: the s3 sink's region, endpoint and addressing")
                }
            }
            if againstAPI, config == nil || since == nil || until == nil {
                throw ValidationError("--against-api needs --config, --since and --until")
            }
            for (name, value) in [("--since", since), ("--until", until)] {
                if let value, RFC3339Timestamp(value) == nil {
                    throw ValidationError("\(name) is not an RFC 3339 time: \(value)")
                }
            }
        }

        func run() async throws {
            guard let (bucket, prefix) = S3ArchiveMirror.parse(directory) else {
                try await verify(directory: directory)
                return
            }
            let s3Sinks = try CommandSupport.loadConfiguration(config ?? "").sinks.compactMap { sink in
                if case .s3(let s3) = sink.destination, s3.bucket == bucket { return s3 }
                return nil
            }
            guard let s3 = s3Sinks.first else {
                CommandSupport.printError("error: the configuration has no s3 sink for bucket \(bucket)")
                throw ExitCode(ForwarderExitCode.usage.rawValue)
            }
            // The bucket's segments and manifests, laid out as the sink's spool had them.
            let local = FileManager.default.temporaryDirectory.appendingPathComponent(
                "archive-verify-\(UUID().uuidString)"
            ).path
            try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: local) }
            do {
                let count = try await S3ArchiveMirror.download(configuration: s3, prefix: prefix, into: local)
                CommandSupport.printError("copied \(count) segment(s) and manifest(s) from \(directory)")
            } catch {
                CommandSupport.printError("error: cannot read \(directory): \(error)")
                throw ExitCode(ForwarderExitCode.unavailable.rawValue)
            }
            try await verify(directory: local)
        }

        private func verify(directory: String) async throws {
            var options = ArchiveVerifier.Options(
                since: since.flatMap { RFC3339Timestamp($0) },
                until: until.flatMap { RFC3339Timestamp($0) }
            )
            var report: ArchiveVerificationReport
            do {
                options.publicKeys = try ArchiveKeyFiles.loadPublicKeys(paths: publicKey)
                report = try ArchiveVerifier(directory: directory, options: options).verify()
            } catch let error as FileError {
                CommandSupport.printError("error: \(error)")
                throw ExitCode(
                    error.code == .io ? ForwarderExitCode.ioError.rawValue : ForwarderExitCode.usage.rawValue
                )
            } catch {
                CommandSupport.printError("error: cannot read the archive: \(error)")
                throw ExitCode(ForwarderExitCode.ioError.rawValue)
            }
            if againstAPI, let config, let since = options.since, let until = options.until {
                try await compareWithAPI(&report, directory: directory, config: config, since: since, until: until)
            }
            print(json ? report.json : report.text)
            if !report.isIntact { throw ExitCode(ForwarderExitCode.dataInvalid.rawValue) }
        }

        /// Lists the window's ids from the API and adds what differs from the archive to `report`.
        private func compareWithAPI(
            _ report: inout ArchiveVerificationReport,
            directory: String,
            config: String,
            since: RFC3339Timestamp,
            until: RFC3339Timestamp
        ) async throws {
            let source = try CommandSupport.loadConfiguration(config).source
            let comparison = ArchiveAPIComparison(
                since: since,
                until: until,
                dropSelfGenerated: source.dropSelfGenerated
            )
            let archived: ArchivedRecords
            do {
                archived = try ArchivedRecords.read(directory: directory)
            } catch {
                CommandSupport.printError("error: cannot read the archive: \(error)")
                throw ExitCode(ForwarderExitCode.ioError.rawValue)
            }
            var listing: (records: [ArchiveAPIComparison.ListedRecord], requests: Int, undecodable: Int)?
            try await CommandSupport.withExitCodes {
                let client = ComplianceClient(configuration: source.clientConfiguration())
                let query = ActivityQuery(
                    activityTypes: source.activityTypes,
                    excludeActivityTypes: source.excludeActivityTypes,
                    organizationIDs: source.organizationIDs,
                    actorIDs: source.actorIDs
                )
                listing = try await ArchiveAPIListing.list(
                    client: client,
                    query: query,
                    window: comparison.listingWindow
                )
            }
            guard let listing else { throw ExitCode(ForwarderExitCode.failure.rawValue) }
            var (summary, problems) = comparison.compare(
                listed: listing.records,
                archived: archived,
                directory: directory
            )
            summary.requests = listing.requests
            summary.undecodable = listing.undecodable
            if listing.undecodable > 0 {
                problems.append(
                    ArchiveProblem(
                        .warning,
                        file: directory,
                        check: "api-undecodable",
                        "the API returned \(listing.undecodable) record(s) that could not be decoded (the forwarder dead-letters such records)"
                    )
                )
            }
            report.problems += problems
            report.apiComparison = summary
        }
    }
}
