import ComplianceAPI
import Foundation
import Testing

@Suite struct MappingsCommandTests {
    @Test(
        "mappings --type with an unknown type shows the row read from its name and says so",
        .enabled(if: ForwarderProcess.isBuilt)
    )
    func derivedRow() async throws {
        let (status, output) = try await ForwarderProcess.run([
            "mappings", "--type", "some_new_widget_deleted", "--format", "ecs",
        ])
        #expect(status == 0)
        let lines = output.split(separator: "\n").map(String.init)
        let document = try #require(lines.first { $0.hasPrefix("{") }.map { try JSONParser.parse($0) })
        let event = try #require(document.objectValue?["event"]?.objectValue)
        #expect(event["category"] == .array([.string("api")]))
        #expect(event["type"] == .array([.string("deletion")]))
        #expect(event["outcome"] == .string("success"))
        #expect(event["action"] == .string("some_new_widget_deleted"))
        #expect(
            lines.contains {
                $0.contains("not a documented type") && $0.contains("derived from its name")
                    && $0.contains("[\"deletion\"]")
            }
        )

        let (_, known) = try await ForwarderProcess.run(["mappings", "--type", "sso_login_failed", "--format", "cef"])
        #expect(known.contains("outcome=failure"))
        #expect(!known.contains("derived"))
    }

    @Test("the table prints an outcome for every type", .enabled(if: ForwarderProcess.isBuilt))
    func tableOutcomes() async throws {
        let (status, output) = try await ForwarderProcess.run(["mappings", "--output", "csv"])
        #expect(status == 0)
        let rows = output.split(separator: "\n").dropFirst()
        #expect(rows.count == 483)
        for row in rows {
            let outcome = row.split(separator: ",", omittingEmptySubsequences: false).dropLast().last
            #expect(["success", "failure", "unknown"].contains(outcome.map(String.init)), "\(row)")
        }
    }
}
