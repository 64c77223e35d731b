import ArgumentParser
import AsyncHTTPClient
import ComplianceAPI
import MockComplianceAPI
import NIOCore

/// How fast the mock serves pages of 5000, and how fast the client decodes them.
struct MockBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Records/s the mock API serves at limit=5000 (raw HTTP) and the client decodes."
    )

    @Option(help: "Records in the backlog.") var records = 200_000
    @Option(help: "Page size.") var limit = 5000

    func run() async throws {
        let configuration = MockComplianceAPI.Configuration(
            backlog: records, recordAccess: false, rateLimitPerMinute: Int.max / 2
        )
        try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
            // Raw: the mock's serving rate, with no decoding on the client side.
            let clock = ContinuousClock()
            var cursor: String?
            var served = 0
            var bytes = 0
            let rawStart = clock.now
            let rawCPUStart = ProcessCPU.seconds()
            repeat {
                var url = mock.baseURL + "/v1/compliance/activities?order=asc&limit=\(limit)"
                if let cursor { url += "&after_id=\(cursor)" }
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: "x-api-key", value: "bench")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                let body = try await response.body.collect(upTo: 512 * 1024 * 1024)
                bytes += body.readableBytes
                // Only the cursor is needed: find `"last_id":"` from the end, without copying the body.
                guard let id = Self.lastID(in: body) else { break }
                cursor = id
                served += limit
            } while served < records
            let rawElapsed = clock.now - rawStart
            let rawCPU = ProcessCPU.seconds() - rawCPUStart

            // Decoded: through ComplianceClient (HTTP + lossless JSON decoding).
            let client = ComplianceClient(
                configuration: .init(
                    baseURL: mock.baseURL, apiKey: APIKey("bench"),
                    budget: .init(maximumRequestsPerMinute: Int.max / 2, reserveFraction: 0)
                )
            )
            var decoded = 0
            let decodeStart = clock.now
            for try await _ in client.activities.iter(limit: limit, order: .ascending) { decoded += 1 }
            let decodeElapsed = clock.now - decodeStart

            let rawSeconds = rawElapsed.seconds
            let decodeSeconds = decodeElapsed.seconds
            print(
                "mock: \(min(served, records)) records, \(bytes / max(min(served, records), 1)) bytes/record, "
                    + "served \(Int(Double(min(served, records)) / rawSeconds)) records/s "
                    + "(process CPU \(String(format: "%.2f", rawCPU)) s incl. client); "
                    + "client list+decode \(Int(Double(decoded) / decodeSeconds)) activities/s"
            )
        }
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
