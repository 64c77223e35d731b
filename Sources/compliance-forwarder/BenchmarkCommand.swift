import ArgumentParser

/// `compliance-forwarder benchmark …`: performance measurements (not tests), run by scripts/bench.sh
/// in release mode. Each prints one line of numbers.
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure throughput (for maintainers; see docs/performance.md).",
        shouldDisplay: false,
        subcommands: [
            MockBenchmark.self, TransformBenchmark.self, HTTPBenchmark.self, ArchiveBenchmark.self, SigV4Benchmark.self,
            S3Benchmark.self,
        ]
    )
}
