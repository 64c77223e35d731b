import ArgumentParser
import ComplianceAPI
import ForwarderCore
import MockComplianceAPI

/// Decode + map + encode, per format, on realistic records of every type (no I/O).
struct TransformBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Events/s, CPU seconds per million events and peak RSS for page decoding plus ECS or CEF encoding."
    )

    @Option(help: "Activities per page.") var pageSize = 5000
    @Option(help: "Pages to process per format.") var pages = 40

    /// A page body of `size` realistic records, every activity type in turn.
    static func samplePage(size: Int) -> [UInt8] {
        let generator = ActivityGenerator()
        var page: [UInt8] = Array(#"{"data":["#.utf8)
        for index in 0..<size {
            let type = generator.types[index % generator.types.count]
            guard let activity = generator.sample(type: type, seed: UInt64(index + 1)) else { continue }
            if index > 0 { page.append(UInt8(ascii: ",")) }
            page.append(contentsOf: activity.rawJSON.utf8)
        }
        page.append(contentsOf: #"],"has_more":false,"first_id":null,"last_id":null}"#.utf8)
        return page
    }

    func run() async throws {
        let page = Self.samplePage(size: pageSize)
        let context = ActivityEncodingContext(readTime: .now)
        for format in [OutputFormat.ecs, .cef] {
            let formatter = ActivityEncoder(format: format)
            var output: [UInt8] = []
            output.reserveCapacity(page.count * 2)
            var events = 0
            let cpuStart = ProcessCPU.seconds()
            let start = ContinuousClock.now
            for _ in 0..<pages {
                let decoded = try CursorPage<Activity>.decode(page)
                output.removeAll(keepingCapacity: true)
                for activity in decoded.data {
                    formatter.append(activity, context: context, into: &output)
                    output.append(UInt8(ascii: "\n"))
                }
                events += decoded.data.count
            }
            let seconds = (ContinuousClock.now - start).seconds
            let cpu = ProcessCPU.seconds() - cpuStart
            print(
                "transform \(format): \(events) events, \(Int(Double(events) / seconds)) events/s, "
                    + "\(String(format: "%.2f", cpu / Double(events) * 1e6)) CPU s per million events (µs/event), "
                    + "peak RSS \(ProcessCPU.peakRSS() / 1_048_576) MiB"
            )
        }
    }
}
