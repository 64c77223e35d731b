import Foundation
import Testing

@testable import Forwarder

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

    @Test func archiveBenchmarkWritesBothVariantsAndReportsTheOverhead() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (status, output) = try await ForwarderProcess.run([
            "benchmark", "archive", "--batch-size", "20", "--batches", "3", "--runs", "1",
            "--segment-bytes", "1024", "--directory", directory.path,
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("archive evidence off: 60 events"))
        #expect(output.contains("archive evidence hash: 60 events"))
        #expect(output.contains("archive evidence on : 60 events"))
        #expect(output.contains("archive overhead: median"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "runs clean up")
    }

    @Test func s3BenchmarkUploadsToMotoAndReportsThroughputAndPeakRSS() async throws {
        guard MotoS3Server.available() else { return }
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let moto = try await MotoS3Server.start(logDirectory: directory.path)
        defer { moto.stop() }
        try await moto.createBucket("bench", objectLock: false)
        let (status, output) = try await ForwarderProcess.run(
            [
                "benchmark", "s3", "--endpoint", moto.endpoint, "--bucket", "bench", "--segments", "2",
                "--segment-megabytes", "1", "--directory", directory.path,
            ],
            environment: MotoS3Server.credentialsEnvironment
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("s3 upload: 3 segments"), "\(output)")
        #expect(output.contains("MiB/s; peak RSS"))
        let keys = try await moto.withClient(bucket: "bench") { try await $0.listKeys() }
        #expect(keys.count == 6, "three objects and their manifests: \(keys)")
    }
}
