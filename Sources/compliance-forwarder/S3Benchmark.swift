import ArgumentParser
import Forwarder
import ForwarderCore
import Foundation

/// Upload throughput of the s3 sink to an S3 API (moto or MinIO on loopback), and whether peak
/// RSS stays flat while segments of any size are uploaded (they are streamed, never read whole).
struct S3Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3",
        abstract: "MiB/s of s3 sink uploads to a local S3 API, and peak RSS before and after uploading."
    )

    @Option(help: "The S3 API, e.g. http://127.0.0.1:5000 (path-style; credentials from the AWS environment).")
    var endpoint: String
    @Option(help: "An existing bucket.") var bucket: String
    @Option(help: "Segments to upload.") var segments = 16
    @Option(help: "Size of each segment in MiB.") var segmentMegabytes = 64
    @Option(help: "Where the spool is written (a fresh subdirectory, removed after).")
    var directory = FileManager.default.temporaryDirectory.path

    func run() async throws {
        let spool = directory + "/cf-s3-bench-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let configuration = ForwarderConfiguration.S3Sink(
            bucket: bucket,
            region: "us-east-1",
            spoolDirectory: spool,
            endpoint: endpoint,
            pathStyle: true
        )
        try S3UploadBenchmark.prepare(
            configuration: configuration,
            segments: segments,
            segmentBytes: segmentMegabytes << 20
        )
        let before = ProcessCPU.peakRSS() / 1_048_576
        let result = try await S3UploadBenchmark.upload(configuration: configuration)
        let after = ProcessCPU.peakRSS() / 1_048_576
        let mebibytes = Double(result.bytes) / 1_048_576
        print(
            "s3 upload: \(result.segments) segments, \(Int(mebibytes)) MiB in "
                + "\(String(format: "%.1f", result.seconds)) s, "
                + "\(String(format: "%.1f", mebibytes / max(result.seconds, 0.001))) MiB/s; "
                + "peak RSS \(before) MiB before uploading, \(after) MiB after"
        )
    }
}
