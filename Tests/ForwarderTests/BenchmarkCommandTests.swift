import Testing

/// `compliance-forwarder benchmark …` is run by scripts/bench.sh, outside CI: this only checks that
/// it still runs and reports what docs/performance.md quotes, on an input too small to time.
@Suite struct BenchmarkCommandTests {
    @Test func transformBenchmarkRunsOnATinyInputAndReportsCPUAndPeakRSS() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let (status, output) = try await ForwarderProcess.run([
            "benchmark", "transform", "--page-size", "20", "--pages", "2",
        ])
        #expect(status == 0)
        for format in ["ecs", "cef"] {
            #expect(output.contains("transform \(format): 40 events"))
        }
        #expect(output.contains("CPU s per million events"))
        #expect(output.contains("peak RSS"))
    }
}
