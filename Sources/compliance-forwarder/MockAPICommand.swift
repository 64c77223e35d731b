import ArgumentParser
import ComplianceAPI
import Foundation
import Logging
import MockComplianceAPI
import ServiceLifecycle

/// `compliance-forwarder mock-api`: the simulator on its own, for testing SIEM wiring.
struct MockAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-api",
        abstract: "Run the built-in Compliance API simulator (loopback only by default).",
        discussion: """
            Serves GET /v1/compliance/activities with realistic records for every activity type. \
            Point the forwarder's source.base_url at the printed URL. Faults: 429, 500, 500-final \
            (x-should-retry: false), 502, 503, 504, 529, 401, 403, 404, 409, slow, reset, malformed.
            """
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free port (printed on start).") var port = 8080
    @Option(help: "The only API key accepted (default: any non-empty key).") var apiKey: String?
    @Option(help: "Seed for the generated data.") var seed: UInt64 = 1
    @Option(help: "Records that exist at start.") var backlog = 1000
    @Option(help: "Hours the backlog spans.") var backlogHours: Double = 24
    @Option(help: "New records per second.") var liveRate: Double = 2
    @Option(help: "Share of live records that become visible late (0…1).") var lateFraction: Double = 0.02
    @Option(help: "Longest delay, in seconds, before a late record becomes visible.") var maxLatenessSeconds: Double =
        60
    @Option(help: "Organisation-wide rate limit per minute.") var rateLimit = 600
    @Option(help: "Share of requests answered with a random fault (0…1).") var faultRate: Double = 0
    @Option(help: "Comma-separated faults to draw from.") var faults = "429,503,reset"
    @Flag(help: "Do not add a compliance_api_accessed record per request.") var noAccessRecords = false
    @Flag(help: "Keep every record's JSON once rendered (about 0.7 KB each): serving costs a copy (benchmarks).")
    var prerender = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (0...1).contains(lateFraction), (0...1).contains(faultRate) else {
            throw ValidationError("--late-fraction and --fault-rate must be between 0 and 1")
        }
        for name in faults.split(separator: ",") where MockFault(name: String(name)) == nil {
            throw ValidationError("unknown fault '\(name)' in --faults")
        }
    }

    func run() async throws {
        let logger = Logger(label: "mock-api")
        let mock = try await MockComplianceAPI.bind(
            configuration: .init(
                host: host,
                port: port,
                apiKey: apiKey,
                seed: seed,
                backlog: backlog,
                backlogSpan: .milliseconds(Int64(backlogHours * 3_600_000)),
                liveRate: liveRate,
                lateFraction: lateFraction,
                maximumLateness: .milliseconds(Int64(maxLatenessSeconds * 1000)),
                recordAccess: !noAccessRecords,
                rateLimitPerMinute: rateLimit,
                faultRate: faultRate,
                randomFaults: faults.split(separator: ",").compactMap { MockFault(name: String($0)) },
                prerendersRecords: prerender
            ),
            logger: logger
        )
        // Written unbuffered: scripts read the address from a pipe, where print() would hold it back.
        FileHandle.standardOutput.write(
            Data(
                "mock Compliance API listening on \(mock.baseURL) (\(mock.recordCount) records, Ctrl-C to stop)\n".utf8
            )
        )
        let group = ServiceGroup(
            services: [mock],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
    }
}
