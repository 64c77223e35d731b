import ComplianceAPI
import ForwarderCore
import MockComplianceAPI
import Testing

@testable import Forwarder

/// Every documented activity type and actor variant, with the mock's hostile values (`|`, `=`,
/// `\`, quotes, newlines, U+2028, emoji, IPv6), through each mode: every request body must parse
/// the way the receiver parses it, one event per line, nothing lost.
@Suite struct HTTPRealisticRecordsTests {
    static let activities: [Activity] = {
        let generator = ActivityGenerator()
        var activities: [Activity] = []
        for (position, type) in generator.types.enumerated() {
            for seed in 1...2 {
                if let activity = generator.sample(type: type, seed: UInt64(position * 10 + seed)) {
                    activities.append(activity)
                }
            }
        }
        return activities
    }()

    static var batches: [Batch] {
        stride(from: 0, to: activities.count, by: 400).enumerated().map { number, start in
            let slice = activities[start..<min(start + 400, activities.count)]
            return Batch(
                sequence: UInt64(number + 1),
                events: slice.enumerated().map { Event(index: $0.offset, activity: $0.element) }
            )
        }
    }

    static var allIDs: Set<String> { Set(activities.map(\.id)) }

    /// Splits on LF only (JSON strings may hold U+2028/U+2029, which other splitters break on).
    static func lines(_ body: [UInt8]?) -> [[UInt8]] {
        (body ?? []).split(separator: UInt8(ascii: "\n")).map(Array.init)
    }

    static func run(
        _ configuration: ForwarderConfiguration.HTTPSink,
        format: ForwarderConfiguration.Sink.Format
    )
        async throws -> (HTTPSinkRun, Collected, Collected)
    {
        let ids = Collected()
        let problems = Collected()
        let receive: TestHTTPServer.Handler = { request in
            let (found, wrong) = Self.check(request, mode: configuration.mode, format: format)
            ids.append(found)
            problems.append(wrong)
            guard configuration.mode == .elasticsearch else { return .json(200, "{\"text\":\"Success\",\"code\":0}") }
            return .json(200, "{\"errors\":false}")
        }
        let run = try await TestHTTPServer.withRunning(receive) { server in
            var configuration = configuration
            configuration.url = server.baseURL + configuration.url
            return try await HTTPSinkHarness.run(
                try HTTPSink(name: "sink", configuration: configuration, encoder: EventEncoder(format: format)),
                batches: batches
            )
        }
        return (run, ids, problems)
    }

    /// The activity ids in a request, and what is wrong with it.
    static func check(
        _ request: TestHTTPRequest,
        mode: ForwarderConfiguration.HTTPSink.Mode,
        format: ForwarderConfiguration.Sink.Format
    ) -> ([String], [String]) {
        var ids: [String] = []
        var problems: [String] = []
        let lines = Self.lines(request.body)
        switch mode {
        case .elasticsearch:
            for pair in stride(from: 0, to: lines.count, by: 2) {
                let action = (try? JSONParser.parse(lines[pair]))?.objectValue?["create"]?.objectValue
                let document = pair + 1 < lines.count ? (try? JSONParser.parse(lines[pair + 1]))?.objectValue : nil
                guard let id = action?.string("_id"), let document,
                    document["event"]?.objectValue?.string("id") == id, document["@timestamp"] != nil
                else {
                    problems.append("bad pair at line \(pair)")
                    continue
                }
                ids.append(id)
            }
        case .splunkHEC:
            for line in lines {
                guard let envelope = (try? JSONParser.parse(line))?.objectValue,
                    let id = envelope["fields"]?.objectValue?.string("activity_id"),
                    case .number(let time) = envelope["time"], !time.contains("e"), !time.contains("E")
                else {
                    problems.append("bad envelope")
                    continue
                }
                let event = envelope["event"]
                if format == .cef {
                    if event?.stringValue?.hasPrefix("CEF:0|") != true { problems.append("CEF event not a string") }
                } else if event?.objectValue?["event"]?.objectValue?.string("id") != id {
                    problems.append("ECS event id differs from activity_id")
                }
                ids.append(id)
            }
        default:
            for line in lines {
                if format == .cef {
                    let text = String(decoding: line, as: UTF8.self)
                    guard text.hasPrefix("CEF:0|"), !line.contains(0x0D) else {
                        problems.append("bad CEF line")
                        continue
                    }
                    // `externalId` carries the id (ids here are short enough for its 40 characters).
                    if let range = text.range(of: "externalId=") {
                        ids.append(String(text[range.upperBound...].prefix { $0 != " " }))
                    }
                } else if let id = (try? JSONParser.parse(line))?.objectValue?["event"]?.objectValue?.string("id") {
                    ids.append(id)
                } else {
                    problems.append("bad NDJSON line")
                }
            }
        }
        return (ids, problems)
    }

    @Test(arguments: [
        (ForwarderConfiguration.HTTPSink.Mode.elasticsearch, ForwarderConfiguration.Sink.Format.ecs),
        (.splunkHEC, .ecs),
        (.splunkHEC, .cef),
        (.webhook, .ecs),
        (.webhook, .cef),
    ])
    func everyTypeAndActorThroughEveryMode(
        mode: ForwarderConfiguration.HTTPSink.Mode,
        format: ForwarderConfiguration.Sink.Format
    ) async throws {
        let path = mode == .splunkHEC ? "/services/collector/event" : "/"
        let configuration = ForwarderConfiguration.HTTPSink(
            mode: mode,
            url: path,
            token: mode == .splunkHEC ? Secret(SplunkReceiver.token) : nil,
            gzip: true,
            retry: HTTPSinkHarness.fastRetry
        )
        let (run, ids, problems) = try await Self.run(configuration, format: format)
        #expect(problems.items.isEmpty, "\(problems.items.prefix(3))")
        #expect(run.acknowledger.count == Self.activities.count)
        #expect(Set(ids.items) == Self.allIDs)
        #expect(Self.activities.count > 900)
    }
}
