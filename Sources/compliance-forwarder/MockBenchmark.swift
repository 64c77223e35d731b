import ArgumentParser
import AsyncHTTPClient
import ComplianceAPI
import Foundation
import MockComplianceAPI
import NIOCore

/// How fast the mock serves pages of 5000, and how fast the client decodes them.
struct MockBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Records/s the mock API serves at limit=5000 (raw HTTP) and the client decodes.",
        discussion: """
            First the mock runs as a child process (`mock-api`) and this process pages through it \
            without decoding, so the mock's own CPU time per record is measured alone; then the mock \
            runs in-process and ComplianceClient pages through it with full decoding.
            """
    )

    @Option(help: "Records in the backlog.") var records = 200_000
    @Option(help: "Page size.") var limit = 5000
    @Option(help: "Times to page through the whole backlog in the raw pass.") var passes = 3

    func run() async throws {
        try await measureSeparateMock()
        let configuration = MockComplianceAPI.Configuration(
            backlog: records,
            recordAccess: false,
            rateLimitPerMinute: Int.max / 2
        )
        try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
            let clock = ContinuousClock()

            // Decoded: through ComplianceClient (HTTP + lossless JSON decoding).
            let client = ComplianceClient(
                configuration: .init(
                    baseURL: mock.baseURL,
                    apiKey: APIKey("bench"),
                    budget: .init(maximumRequestsPerMinute: Int.max / 2, reserveFraction: 0)
                )
            )
            var decoded = 0
            let decodeStart = clock.now
            for try await _ in client.activities.iter(limit: limit, order: .ascending) { decoded += 1 }
            let decodeElapsed = clock.now - decodeStart

            print("client: list + lossless decode \(Int(Double(decoded) / decodeElapsed.seconds)) activities/s")
        }
    }

    /// Pages through a `mock-api` child process; reports wall rate and the child's CPU per record.
    private func measureSeparateMock() async throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = [
            "mock-api", "--port", "0", "--backlog", "\(records)", "--live-rate", "0", "--no-access-records",
            "--rate-limit", "\(Int32.max)", "--api-key", "bench",
        ]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        defer { child.terminate() }
        guard let banner = output.fileHandleForReading.availableLine(),
            let urlStart = banner.range(of: "http://"),
            let baseURL = banner[urlStart.lowerBound...].split(separator: " ").first.map(String.init)
        else {
            throw ValidationError("mock-api did not print its address")
        }
        let clock = ContinuousClock()
        var served = 0
        var bytes = 0
        let cpuStart = try ChildCPU.seconds(pid: child.processIdentifier)
        let start = clock.now
        for _ in 0..<passes {
            var cursor: String?
            var passServed = 0
            repeat {
                var url = baseURL + "/v1/compliance/activities?order=asc&limit=\(limit)"
                if let cursor { url += "&after_id=\(cursor)" }
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: "x-api-key", value: "bench")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                let body = try await response.body.collect(upTo: 512 * 1024 * 1024)
                bytes += body.readableBytes
                // Only the cursor is needed: find `"last_id":"` from the end, without copying the body.
                guard let id = Self.lastID(in: body) else { break }
                cursor = id
                passServed += limit
            } while passServed < records
            served += min(passServed, records)
        }
        let elapsed = clock.now - start
        let cpu = try ChildCPU.seconds(pid: child.processIdentifier) - cpuStart
        print(
            "mock (separate process): \(served) records served, \(bytes / max(served, 1)) bytes/record, "
                + "\(Int(Double(served) / elapsed.seconds)) records/s wall, "
                + "mock CPU \(String(format: "%.2f", cpu * 1e6 / Double(max(served, 1)))) µs/record "
                + "= \(Int(Double(served) / cpu)) records per CPU-second"
        )
    }
}

/// CPU time of another process, from `/proc/<pid>/stat` (Linux).
enum ChildCPU {
    static func seconds(pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        guard let close = stat.lastIndex(of: ")") else { throw ValidationError("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw ValidationError("unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

extension FileHandle {
    /// Reads up to the first newline (blocking); nil at end of file.
    func availableLine() -> String? {
        var line: [UInt8] = []
        while let byte = try? read(upToCount: 1)?.first {
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
        return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
    }
}

extension MockBenchmark {
    static func lastID(in body: ByteBuffer) -> String? {
        let marker = Array(#""last_id":""#.utf8)
        return body.withUnsafeReadableBytes { raw -> String? in
            var index = raw.count - marker.count
            while index >= 0 {
                if raw[index] == marker[0], raw[index..<(index + marker.count)].elementsEqual(marker) {
                    let start = index + marker.count
                    guard let end = raw[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                    return String(decoding: raw[start..<end], as: UTF8.self)
                }
                index -= 1
            }
            return nil
        }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
