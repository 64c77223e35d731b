import ComplianceAPI
import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// The Sentinel rows against the shipped table and data collection rule (`examples/sentinel/`):
/// the same columns with the same types, and every row of every documented activity type only
/// uses them, with values of the declared type.
@Suite struct HTTPAzureMonitorRowTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/sentinel")

    static func columns(_ file: String, at path: [String]) throws -> [String: String] {
        let data = try Data(contentsOf: examples.appendingPathComponent(file))
        var node = try JSONParser.parse(Array(data))
        for key in path {
            node = try #require(key == "0" ? node.arrayValue?.first : node.objectValue?[key])
        }
        var result: [String: String] = [:]
        for column in try #require(node.arrayValue) {
            let object = try #require(column.objectValue)
            result[try #require(object.string("name"))] = try #require(object.string("type")).lowercased()
        }
        return result
    }

    static let declared = Dictionary(uniqueKeysWithValues: SentinelRowEncoder.columns.map { ($0.name, $0.type) })

    @Test func theTableAndTheRuleDeclareTheEncodersColumns() throws {
        let table = try Self.columns("table.json", at: ["resources", "0", "properties", "schema", "columns"])
        let rule = try Self.columns(
            "dcr.json",
            at: ["resources", "0", "properties", "streamDeclarations", "Custom-ClaudeComplianceActivity", "columns"]
        )
        #expect(table == Self.declared)
        #expect(rule == Self.declared)
    }

    @Test func everyRowHasTheDeclaredTypes() throws {
        let encoder = SentinelRowEncoder()
        for activity in HTTPRealisticRecordsTests.activities {
            var bytes: [UInt8] = []
            encoder.encode(activity, into: &bytes)
            let row = try #require(try JSONParser.parse(bytes).objectValue, "\(activity.type)")
            #expect(row.string("ActivityId") == activity.id)
            #expect(row.string("ActivityType") == activity.type)
            #expect(row["RawRecord"]?.objectValue?.string("id") == activity.id)
            for member in row {
                let type = try #require(Self.declared[member.key], "undeclared column \(member.key)")
                switch type {
                case "string": #expect(member.value.stringValue?.isEmpty == false, "\(member.key)")
                case "int": #expect(member.value.int64Value != nil, "\(member.key)")
                case "dynamic": #expect(member.value.objectValue != nil, "\(member.key)")
                default:
                    let text = try #require(member.value.stringValue)
                    #expect(throws: Never.self) {
                        try Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
                    }
                }
            }
        }
    }
}
