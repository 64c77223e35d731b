import ComplianceAPI
import Foundation
import Testing

@testable import ForwarderCore

/// Writes encoder output for `scripts/check-formats.py` (independent PyPI parsers) when
/// `FORWARDER_FORMAT_SAMPLES=<directory>` is set:
///
/// ```
/// FORWARDER_FORMAT_SAMPLES=/tmp/samples swift test --filter FormatSamples
/// scripts/check-formats.py --kind cef /tmp/samples/cef.txt
/// scripts/check-formats.py --kind rfc5424 /tmp/samples/rfc5424.txt
/// ```
@Suite("Format samples for external validators")
struct FormatSamplesTests {
    static let directory = ProcessInfo.processInfo.environment["FORWARDER_FORMAT_SAMPLES"]

    /// Id and organization go into syslog structured data. Two valid things there trip the external
    /// checks: a raw LF splits this line-oriented file, and `syslog-rfc5424-parser`'s lexer (lark
    /// `ESCAPED_STRING`) does not treat `\\` as an escape, so a value ending in a backslash followed
    /// by another parameter is misread. `StrictSyslogValidator` covers both; keep them out here.
    static func structuredDataSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" && $0 != "\\" }))
    }

    @Test("write CEF and RFC 5424 samples", .enabled(if: directory != nil))
    func writeSamples() throws {
        let directory = try #require(Self.directory)
        var activities = try TestResources.sampleActivities()
        var id = 0
        for type in try TestResources.activityTypes() + ["future_type"] {
            for actor in Fixtures.actors.keys.sorted() {
                id += 1
                activities.append(try Fixtures.activity(type: type, actor: actor, extra: id, id: id))
            }
        }
        var generator = SeededGenerator(seed: 7)
        for index in 0..<300 {
            var actor = JSONObject()
            actor["type"] = .string(Hostile.string(using: &generator))
            actor["email_address"] = .string(Hostile.string(using: &generator))
            actor["user_agent"] = .string(Hostile.string(using: &generator))
            var object = JSONObject()
            object["id"] = .string(
                "activity_h\(index)" + Self.structuredDataSafe(Hostile.string(using: &generator, maxPieces: 3))
            )
            object["created_at"] = .string("2024-05-01T12:34:56.789Z")
            object["type"] = .string("t" + Hostile.string(using: &generator))
            object["organization_id"] = .string(Self.structuredDataSafe(Hostile.string(using: &generator)))
            object["actor"] = .object(actor)
            object["note"] = .string(Hostile.string(using: &generator))
            activities.append(try Activity(object: object, rawJSON: JSONValue.object(object).jsonText))
        }

        let cefEncoder = CEFEncoder()
        let formatters = [
            SyslogHeaderEncoder(configuration: .init(hostname: "fwd.example.com")),
            SyslogHeaderEncoder(
                configuration: .init(
                    facility: 16,
                    hostname: "fwd.example.com",
                    appName: "acme audit",
                    procID: "42",
                    includesByteOrderMark: true
                )
            ),
            SyslogHeaderEncoder(configuration: .init(hostname: nil, appName: nil, includesStructuredData: false)),
        ]
        var cef: [UInt8] = []
        var syslog: [UInt8] = []
        for (index, activity) in activities.enumerated() {
            let context = ActivityEncodingContext(readTime: .now, selfGenerated: index % 9 == 0)
            let mapping = ActivityMappingTable.mapping(for: activity.type)
            cefEncoder.encode(activity, mapping: mapping, context: context, into: &cef)
            cef.append(0x0A)
            var message: [UInt8] = []
            let format: OutputFormat = index % 2 == 0 ? .cef : .ecs
            formatters[index % formatters.count].append(activity, mapping: mapping, context: context, into: &message) {
                ActivityEncoder(format: format).append(activity, mapping: mapping, context: context, into: &$0)
            }
            SyslogFraming.appendOctetCounted(message, into: &syslog)
            syslog.append(0x0A)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(cef).write(to: URL(fileURLWithPath: directory).appendingPathComponent("cef.txt"))
        try Data(syslog).write(to: URL(fileURLWithPath: directory).appendingPathComponent("rfc5424.txt"))
    }
}
