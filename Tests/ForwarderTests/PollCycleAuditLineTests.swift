import ComplianceAPI
import Foundation
import MockComplianceAPI
import Testing

@testable import Forwarder

/// The provenance line compliance teams ask for: at the end of each poll cycle, the cursor the
/// cycle started from, the last id it reached, how many activities it read and the final
/// `request-id`, so a delivered range can be traced to the API's own records.
@Suite(.serialized) struct PollCycleAuditLineTests {
    @Test func eachPollCycleLogsWhereItStartedWhereItEndedAndTheRequestID() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = RFC3339Timestamp.now.adding(.seconds(-600))
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            let first = OperationsTests.insert(mock, count: 7, after: base)
            let config = try OperationsTests.writeConfig(directory, baseURL: mock.baseURL)
            let log = URL(fileURLWithPath: directory.path + "/forwarder.log")
            try await OperationsTests.withRunning(config, log: log) { child, _ in
                var cycles: [JSONObject] = []
                let sawFirst = try await eventually(timeout: .seconds(60)) {
                    cycles = Self.pollCycles(in: log)
                    return cycles.contains { $0.string("count") == "7" }
                }
                #expect(sawFirst, "no poll cycle line for the first 7 activities")
                let initial = try #require(cycles.first { $0.string("count") == "7" })
                #expect(initial.string("start_cursor") == "-", "a first run starts without a cursor")
                #expect(initial.string("last_id") == first.last)
                #expect(initial.string("request_id")?.hasPrefix("req_mock_") == true, "\(initial)")

                // A later cycle starts from the cursor the first one reached.
                let second = OperationsTests.insert(mock, count: 3, after: base.adding(.seconds(60)))
                let sawSecond = try await eventually(timeout: .seconds(60)) {
                    cycles = Self.pollCycles(in: log)
                    return cycles.contains { $0.string("last_id") == second.last && $0.string("count") == "3" }
                }
                #expect(sawSecond, "no poll cycle line for the next 3 activities")
                let next = try #require(
                    cycles.first { $0.string("last_id") == second.last && $0.string("count") == "3" }
                )
                #expect(next.string("start_cursor") == first.last)
                #expect(next.string("request_id") != initial.string("request_id"))
                child.signal(SIGTERM)
                #expect(try await child.waitForExit() == 0)
            }
        }
    }

    /// The `poll cycle` records of a JSON log, in order.
    static func pollCycles(in log: URL) -> [JSONObject] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard line.contains("\"poll cycle\""), let object = try? JSONParser.parse(String(line)).objectValue else {
                return nil
            }
            return object
        }
    }
}
