import ArgumentParser
import ComplianceAPI
import ForwarderCore
import Foundation
import MockComplianceAPI

/// `compliance-forwarder mappings`: the activity-type table, and sample renderings.
struct MappingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Print the activity-type mapping table, or render a sample activity in a format.",
        discussion: """
            Without --type: the table of all documented activity types (ECS category/type/outcome, \
            CEF severity, name), filterable with --filter, as a table, CSV or JSON. \
            With --type T --format ecs|cef|syslog|raw|sentinel: a realistic sample activity of type T, encoded \
            (for a type the table does not know, the row read from its name, noted on stderr). \
            With --samples --format …: one sample line for every documented type.
            """
    )

    enum Output: String, ExpressibleByArgument, CaseIterable { case table, csv, json }
    enum Rendering: String, ExpressibleByArgument, CaseIterable { case ecs, cef, syslog, raw, sentinel }

    @Option(help: "Only types containing this text.") var filter: String?
    @Option(help: "Table output: table, csv or json.") var output: Output = .table
    @Option(name: .customLong("type"), help: "Render a sample activity of this type.") var activityType: String?
    @Option(help: "With --type or --samples: ecs, cef, syslog (RFC 5424 + CEF), raw or sentinel (azure_monitor rows).")
    var format: Rendering = .ecs
    @Option(help: "With --type: the actor variant (e.g. user_actor).") var actor: String?
    @Flag(help: "Render one sample of every documented type.") var samples = false

    func run() async throws {
        if let activityType {
            let kind = actor.map { Actor.Kind(rawValue: $0) }
            guard let activity = ActivityGenerator().sample(type: activityType, actor: kind) else {
                throw ValidationError("could not render a sample of \(activityType)")
            }
            print(render(activity))
            if !ActivityMappingTable.isKnown(activityType) {
                let row = ActivityMappingTable.mapping(for: activityType)
                CommandSupport.printError(
                    "note: \(activityType) is not a documented type; its row was derived from its name: "
                        + "event.category \(row.categories.map(\.rawValue)), event.type \(row.types.map(\.rawValue)), "
                        + "event.outcome \(row.outcome), severity \(row.severity)"
                )
            }
            return
        }
        if samples {
            let generator = ActivityGenerator()
            for (index, type) in ActivityMappingTable.knownTypes.enumerated() {
                if let activity = generator.sample(type: type, seed: UInt64(index + 1)) { print(render(activity)) }
            }
            return
        }
        printTable()
    }

    private func render(_ activity: Activity) -> String {
        let context = ActivityEncodingContext(readTime: .now)
        var bytes: [UInt8] = []
        switch format {
        case .ecs, .cef, .raw:
            let formatter = ActivityEncoder(format: OutputFormat(rawValue: format.rawValue) ?? .ecs)
            formatter.append(activity, context: context, into: &bytes)
        case .sentinel:
            SentinelRowEncoder().encode(activity, into: &bytes)
        case .syslog:
            let formatter = ActivityEncoder(format: .cef)
            let mapping = ActivityMappingTable.mapping(for: activity.type)
            SyslogHeaderEncoder(configuration: .init(hostname: "forwarder.example", appName: "compliance-forwarder"))
                .append(activity, mapping: mapping, context: context, into: &bytes) { message in
                    formatter.append(activity, mapping: mapping, context: context, into: &message)
                }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func printTable() {
        let types = ActivityMappingTable.knownTypes.filter { filter == nil || $0.contains(filter ?? "") }
        let rows = types.map { type -> [String] in
            let mapping = ActivityMappingTable.mapping(for: type)
            return [
                type, mapping.name, mapping.categories.map(\.rawValue).joined(separator: ","),
                mapping.types.map(\.rawValue).joined(separator: ","), mapping.outcome.rawValue,
                String(mapping.severity),
            ]
        }
        let header = ["type", "name", "event.category", "event.type", "event.outcome", "cef_severity"]
        switch output {
        case .csv:
            print(header.joined(separator: ","))
            for row in rows { print(row.map(csvField).joined(separator: ",")) }
        case .json:
            var writer = JSONWriter()
            writer.writeRaw("[")
            for (index, row) in rows.enumerated() {
                if index > 0 { writer.writeRaw(",\n") }
                writer.writeRaw("{")
                for (column, key) in header.enumerated() {
                    if column > 0 { writer.writeRaw(",") }
                    writer.writeKey(key)
                    if key == "cef_severity" {
                        writer.writeRaw(row[column])
                    } else if key == "event.category" || key == "event.type" {
                        writer.write(.array(row[column].split(separator: ",").map { .string(String($0)) }))
                    } else {
                        writer.writeString(row[column])
                    }
                }
                writer.writeRaw("}")
            }
            writer.writeRaw("]")
            print(writer.text)
        case .table:
            let widths = header.indices.map { column in
                max(header[column].count, rows.map { $0[column].count }.max() ?? 0)
            }
            func line(_ cells: [String]) -> String {
                zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
            }
            print(line(header))
            for row in rows { print(line(row)) }
            print("\(rows.count) types")
        }
    }

    private func csvField(_ value: String) -> String {
        value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }
}
