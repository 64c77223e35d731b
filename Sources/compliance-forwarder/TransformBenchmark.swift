import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Foundation
import MockComplianceAPI

/// Decode + map + encode, per format, on realistic records of every type (no I/O).
struct TransformBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Events/s, CPU seconds per million events and peak RSS for page decoding plus ECS or CEF encoding."
    )

    @Option(help: "Activities per page.") var pageSize = 5000
    @Option(help: "Pages to process per format.") var pages = 40
    @Option(
        help: """
            A directory of recorded response bodies (*.json or *.json.gz, one page each, e.g. \
            benchmarks/data/hostile-pages) to use instead of generated records; --pages cycles through them.
            """
    ) var corpus: String?

    /// The recorded pages in `directory`, in name order, decompressed.
    static func corpusPages(_ directory: String) throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        var pages: [[UInt8]] = []
        for name in names where name.hasSuffix(".json") || name.hasSuffix(".json.gz") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                throw ValidationError("cannot read \(directory)/\(name)")
            }
            pages.append(name.hasSuffix(".gz") ? GzipDecoder.decompress(Array(data)) : Array(data))
        }
        guard !pages.isEmpty else { throw ValidationError("no *.json or *.json.gz pages in \(directory)") }
        return pages
    }

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
        let corpus = try corpus.map(Self.corpusPages) ?? [Self.samplePage(size: pageSize)]
        let context = ActivityEncodingContext(readTime: .now)
        for format in [OutputFormat.ecs, .cef] {
            let formatter = ActivityEncoder(format: format)
            var output: [UInt8] = []
            output.reserveCapacity((corpus.map(\.count).max() ?? 0) * 2)
            var events = 0
            let cpuStart = ProcessCPU.seconds()
            let start = ContinuousClock.now
            for index in 0..<pages {
                let decoded = try CursorPage<Activity>.decode(corpus[index % corpus.count])
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
