import ComplianceAPI
import Foundation
import Testing

@testable import ForwarderCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decode + map + encode throughput over the realistic sample page. Only meaningful in release:
///
/// ```
/// swift build -c release -Xswiftc -enable-testing --build-tests
/// FORWARDER_BENCHMARK=1 swift test -c release -Xswiftc -enable-testing --skip-build --filter EncoderBenchmark
/// ```
/// Target (DESIGN.md §9 / issue 3): ≥ 300,000 events/s per core. Rates are per CPU-second of the
/// benchmark thread, so other processes competing for the cores distort them less (caches and SMT
/// still do). `FORWARDER_BENCHMARK_COUNT` sets the events per phase (default 200,000);
/// `FORWARDER_BENCHMARK_PHASE` runs one phase only (for `perf stat`): `ecs`, `cef`, `raw`, `decode`,
/// `ecs-encode`, `cef-encode`.
@Suite("Encoder benchmark")
struct EncoderBenchmarkTests {
    static let environment = ProcessInfo.processInfo.environment

    @Test("decode + map + encode events per second", .enabled(if: environment["FORWARDER_BENCHMARK"] != nil))
    func throughput() throws {
        let samples = try TestResources.sampleActivities().map(\.rawJSON)
        let decoded = try samples.map { try Activity(json: $0) }
        let count = Int(Self.environment["FORWARDER_BENCHMARK_COUNT"] ?? "") ?? 200_000
        let only = Self.environment["FORWARDER_BENCHMARK_PHASE"]
        let context = ActivityEncodingContext(readTime: .now)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)

        func run(_ phase: String, _ body: (Int) throws -> Void) rethrows {
            guard only == nil || only == phase else { return }
            var bytes = 0
            let start = Self.threadCPUTime()
            for index in 0..<count {
                try body(index)
                bytes += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
            let seconds = Self.threadCPUTime() - start
            print(
                "\(phase): \(Int(Double(count) / seconds)) events/s per CPU second, \(bytes / max(count, 1)) bytes/event"
            )
        }

        for format in [OutputFormat.ecs, .cef, .raw] {
            let formatter = ActivityEncoder(format: format)
            try run(format.rawValue) { index in
                let activity = try Activity(json: samples[index % samples.count])
                let mapping = ActivityMappingTable.mapping(for: activity.type)
                formatter.append(activity, mapping: mapping, context: context, into: &buffer)
            }
        }
        try run("decode") { index in _ = try Activity(json: samples[index % samples.count]) }
        for format in [OutputFormat.ecs, .cef] {
            let formatter = ActivityEncoder(format: format)
            run("\(format.rawValue)-encode") { index in
                let activity = decoded[index % decoded.count]
                formatter.append(
                    activity,
                    mapping: ActivityMappingTable.mapping(for: activity.type),
                    context: context,
                    into: &buffer
                )
            }
        }
    }

    static func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
