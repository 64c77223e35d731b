import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Logging

/// `compliance-forwarder check --config F`: live checks of everything `run` needs, one line each.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the key, its scope and rate budget, every sink and the state directories, live.",
        discussion: """
            Sends one request (limit=1) to the Compliance API, connects to every sink the way the sink \
            would (TLS settings included) without delivering anything, and checks that the checkpoint \
            and dead-letter directories are writable. Prints one line per check and exits 0 when all \
            pass; otherwise with the code of the first failure: \(ForwarderExitCode.configurationInvalid) \
            configuration (invalid file, TLS files, a receiver answering as something else), \
            \(ForwarderExitCode.unavailable) unavailable (key rejected, missing scope, wrong key type, \
            destination unreachable or refusing credentials), \(ForwarderExitCode.ioError) a local \
            directory not writable. Secrets are never printed.
            """
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file.") var config: String
    @Option(help: "Seconds allowed for each network check.") var timeout: Double = 10

    /// One line of the report.
    struct Line {
        var name: String
        var status: String
        var detail: String
        var exitCode: ForwarderExitCode?
    }

    func run() async throws {
        let configuration = try CommandSupport.loadConfiguration(config)
        // Library logs (client retries) would interleave with the report.
        LoggingSetup.bootstrap(level: "critical", format: configuration.log.format.name)
        let limit = Duration.milliseconds(Int64(max(timeout, 0.1) * 1000))
        // Concurrently: an unreachable destination costs the whole timeout (connects are retried).
        async let source = withTaskGroup(of: (Int, [Line]).self) { group in
            for (index, source) in configuration.sources.enumerated() {
                group.addTask { (index, await sourceLines(source, timeout: limit)) }
            }
            var lines: [Int: [Line]] = [:]
            for await (index, result) in group { lines[index] = result }
            return configuration.sources.indices.flatMap { lines[$0] ?? [] }
        }
        let probes = await withTaskGroup(of: (Int, SinkProbe.Result).self) { group in
            for (index, sink) in configuration.sinks.enumerated() {
                group.addTask { (index, await SinkProbe.probe(sink, timeout: limit)) }
            }
            var results: [Int: SinkProbe.Result] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        var lines = await source
        for (index, sink) in configuration.sinks.enumerated() {
            guard let result = probes[index] else { continue }
            lines.append(Self.line(for: result, name: "sink \(sink.name) (\(Self.kind(sink)))"))
        }
        var directories = [("dead letters", configuration.deadLetter.directory)]
        if case .postgres(let postgres) = configuration.state.backend {
            lines.append(await Self.stateLine(postgres, timeout: limit))
        } else {
            directories.insert(("checkpoint", WritableDirectory.parent(of: configuration.checkpoint.path)), at: 0)
        }
        for (name, path) in directories {
            if let problem = WritableDirectory.problem(path) {
                lines.append(Line(name: name, status: "FAIL", detail: problem, exitCode: .ioError))
            } else {
                lines.append(Line(name: name, status: "OK", detail: "\(path) is writable"))
            }
        }
        let width = lines.map(\.name.count).max() ?? 0
        for line in lines {
            print("\(line.status.padding(4))  \(line.name.padding(width))  \(line.detail)")
        }
        if let failure = lines.first(where: { $0.exitCode != nil })?.exitCode {
            let failed = lines.filter { $0.exitCode != nil }.count
            print("\(failed) of \(lines.count) checks failed")
            throw ExitCode(failure.rawValue)
        }
        print("all \(lines.count) checks passed")
    }

    /// The key (one request with limit=1) and the rate budget its reply reports.
    /// ``keyLines(_:timeout:)``, named after the source when there are several.
    func sourceLines(_ source: ForwarderConfiguration.Source, timeout: Duration) async -> [Line] {
        let lines = await keyLines(source, timeout: timeout)
        guard let name = source.name else { return lines }
        return lines.map { line in
            var named = line
            named.name += " (\(name))"
            return named
        }
    }

    func keyLines(_ source: ForwarderConfiguration.Source, timeout: Duration) async -> [Line] {
        var clientConfiguration = source.clientConfiguration()
        clientConfiguration.requestTimeout = timeout
        let client = ComplianceClient(configuration: clientConfiguration, logger: Logger(label: "check"))
        let family = source.apiKey.family
        var query = ActivityQuery(limit: 1, order: .descending)
        query.organizationIDs = source.organizationIDs
        do {
            let page = try await client.fetchPageOnce(query)
            let request = page.requestID.map { ", request-id \($0)" } ?? ""
            var lines = [
                Line(
                    name: "api key",
                    status: "OK",
                    detail: "\(family) key accepted with read:compliance_activities at \(source.baseURL) "
                        + "(\(page.data.count) activity returned\(request))"
                )
            ]
            if let rate = page.rateLimit {
                let budget = clientConfiguration.budget.maximumRequestsPerMinute
                var detail = "\(rate.remaining) of \(rate.limit) requests/min left for the organisation"
                if let reset = rate.reset { detail += " (resets \(reset))" }
                detail += "; this forwarder may use up to \(budget)/min"
                let low = Double(rate.remaining) <= Double(rate.limit) * clientConfiguration.budget.reserveFraction
                lines.append(
                    Line(
                        name: "rate budget",
                        status: low ? "WARN" : "OK",
                        detail: detail + (low ? "; budget is low" : "")
                    )
                )
            } else {
                lines.append(
                    Line(name: "rate budget", status: "WARN", detail: "no anthropic-ratelimit-* headers in the reply")
                )
            }
            return lines
        } catch let error as ComplianceAPIError {
            let code: ForwarderExitCode =
                switch error.code {
                case .invalidRequest, .invalidQuery, .invalidConfiguration: .configurationInvalid
                default: .unavailable
                }
            return [
                Line(name: "api key", status: "FAIL", detail: "\(family) key: \(error)", exitCode: code),
                Line(name: "rate budget", status: "SKIP", detail: "no successful reply to read it from"),
            ]
        } catch {
            return [Line(name: "api key", status: "FAIL", detail: "request failed: \(error)", exitCode: .unavailable)]
        }
    }

    /// The database, read only: `check` must not take the lease from a running leader.
    static func stateLine(_ configured: ForwarderConfiguration.State.Postgres, timeout: Duration) async -> Line {
        var postgres = configured
        postgres.timeout = min(postgres.timeout, timeout)
        let name = "state (postgres)"
        let place = "\(postgres.redacted) (tls \(postgres.tls.mode))"
        do {
            var inspection: PostgresStateStore.Inspection?
            try await PostgresStateStore.using(postgres) { inspection = try await $0.inspect() }
            guard let inspection, let version = inspection.schemaVersion else {
                return Line(
                    name: name,
                    status: "OK",
                    detail: "\(place) reached; schema \(postgres.schema) has no tables yet (run creates them)"
                )
            }
            if version > PostgresStateStore.schemaVersion {
                return Line(
                    name: name,
                    status: "FAIL",
                    detail: "\(place): schema \(postgres.schema) is at version \(version), newer than this forwarder "
                        + "(\(PostgresStateStore.schemaVersion)): upgrade it",
                    exitCode: .configurationInvalid
                )
            }
            var detail = "\(place) reached; schema \(postgres.schema) version \(version); "
            if let lease = inspection.lease {
                detail +=
                    lease.isLive
                    ? "lease \(postgres.name) held by \(lease.holder) (epoch \(lease.epoch))"
                    : "lease \(postgres.name) free (last epoch \(lease.epoch))"
            } else {
                detail += "lease \(postgres.name) never taken"
            }
            if let written = inspection.checkpointWritten { detail += "; checkpoint written \(written.at)" }
            return Line(name: name, status: "OK", detail: detail)
        } catch let error as StateStoreError {
            let code: ForwarderExitCode = error.code == .incompatible ? .configurationInvalid : .unavailable
            return Line(name: name, status: "FAIL", detail: "\(place): \(error.message)", exitCode: code)
        } catch {
            return Line(name: name, status: "FAIL", detail: "\(place): \(error)", exitCode: .unavailable)
        }
    }

    static func line(for result: SinkProbe.Result, name: String) -> Line {
        switch result.outcome {
        case .passed: Line(name: name, status: "OK", detail: result.detail)
        case .warning: Line(name: name, status: "WARN", detail: result.detail)
        case .unreachable: Line(name: name, status: "FAIL", detail: result.detail, exitCode: .unavailable)
        case .misconfigured: Line(name: name, status: "FAIL", detail: result.detail, exitCode: .configurationInvalid)
        case .localIO: Line(name: name, status: "FAIL", detail: result.detail, exitCode: .ioError)
        }
    }

    static func kind(_ sink: ForwarderConfiguration.Sink) -> String {
        switch sink.destination {
        case .file: "file"
        case .syslog(let syslog): "syslog \(syslog.transport.name)"
        case .http(let http): http.mode.name
        case .s3: "s3"
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
