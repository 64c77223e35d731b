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
            let seconds = Self.seconds(elapsed)
            print("\(format): \(Int(Double(count) / seconds)) events/s decode+map+encode, \(bytes / count) bytes/event")
        }
        // The parts: decoding (ComplianceAPI) and encoding alone.
        let clock = ContinuousClock()
        let decode = try clock.measure {
            for index in 0..<count { _ = try Activity(json: samples[index % samples.count]) }
        }
        print("decode only: \(Int(Double(count) / Self.seconds(decode))) events/s")
        let activities = try samples.map { try Activity(json: $0) }
        for format in [OutputFormat.ecs, .cef] {
            let formatter = ActivityFormatter(format: format)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            let encode = clock.measure {
                for index in 0..<count {
                    let activity = activities[index % activities.count]
                    formatter.append(activity, mapping: ActivityMappingTable.mapping(for: activity.type), context: context, into: &buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            print("\(format) map+encode only: \(Int(Double(count) / Self.seconds(encode))) events/s")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
