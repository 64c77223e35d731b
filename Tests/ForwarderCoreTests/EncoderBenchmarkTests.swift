import ComplianceAPI
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@testable import ForwarderCore

/// Decode + map + encode throughput. Only meaningful in release:
///
/// ```
/// FORWARDER_BENCHMARK=1 swift test -c release -Xswiftc -enable-testing --filter EncoderBenchmark
/// ```
/// Target (DESIGN.md §9 / issue 3): ≥ 300,000 events/s per core. Rates are per CPU-second of the
/// benchmark thread.
@Suite("Encoder benchmark")
struct EncoderBenchmarkTests {
    @Test("decode + map + encode events per second", .enabled(if: ProcessInfo.processInfo.environment["FORWARDER_BENCHMARK"] != nil))
    func throughput() throws {
        let samples = try TestResources.sampleActivities().map(\.rawJSON)
        let count = Int(ProcessInfo.processInfo.environment["FORWARDER_BENCHMARK_COUNT"] ?? "") ?? 200_000
        let context = ActivityEncodingContext(readTime: .now)
        let counter = UnknownActivityTypes()
        for format in [OutputFormat.ecs, .cef, .raw] {
            let formatter = ActivityFormatter(format: format)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            var bytes = 0
            let clock = ThreadCPUClock()
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
        let clock = ThreadCPUClock()
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

    /// Measures CPU time of the current thread, so other processes competing for the cores do not
    /// distort the per-core rate.
    struct ThreadCPUClock {
        func measure(_ body: () throws -> Void) rethrows -> Duration {
            let start = Self.now()
            try body()
            return Self.now() - start
        }

        static func now() -> Duration {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
