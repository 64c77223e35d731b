import ComplianceAPI
import Foundation
import Testing

@testable import ForwarderCore

/// Decode + map + encode throughput. Only meaningful in release:
///
/// ```
/// FORWARDER_BENCHMARK=1 swift test -c release -Xswiftc -enable-testing --filter EncoderBenchmark
/// ```
/// Target (DESIGN.md §9 / issue 3): ≥ 300,000 events/s per core.
@Suite("Encoder benchmark")
struct EncoderBenchmarkTests {
    @Test("decode + map + encode events per second", .enabled(if: ProcessInfo.processInfo.environment["FORWARDER_BENCHMARK"] != nil))
    func throughput() throws {
        let samples = try TestResources.sampleActivities().map(\.rawJSON)
        let count = 200_000
        let context = ActivityEncodingContext(readTime: .now)
        let counter = UnknownActivityTypes()
        for format in [OutputFormat.ecs, .cef, .raw] {
            let formatter = ActivityFormatter(format: format)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            var bytes = 0
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                for index in 0..<count {
                    let activity = try Activity(json: samples[index % samples.count])
                    let mapping = ActivityMappingTable.mapping(for: activity.type, countingUnknownIn: counter)
                    formatter.append(activity, mapping: mapping, context: context, into: &buffer)
                    bytes += buffer.count
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("\(format): \(Int(Double(count) / seconds)) events/s, \(bytes / count) bytes/event")
        }
    }
}
