import ComplianceAPI
import ForwarderCore
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `compliance-forwarder benchmark s3` (docs/performance.md): seals spool segments the way the
/// sink does (gzip members, manifests), then uploads them with the sink's uploader and reports
/// throughput; the caller reads peak RSS before and after the uploads, which must not grow with
/// the segments (they are streamed from disk).
public enum S3UploadBenchmark {
    /// What the upload phase did.
    public struct Result: Sendable {
        public var segments: Int
        public var bytes: Int
        public var seconds: Double
    }

    /// Writes `segments` segments of about `segmentBytes` each (incompressible lines, so the
    /// compressed size is the size asked for) into `configuration.spoolDirectory`.
    public static func prepare(configuration: ForwarderConfiguration.S3Sink, segments: Int, segmentBytes: Int) throws {
        var settings = ForwarderConfiguration.FileSink(directory: configuration.spoolDirectory, prefix: "segment")
        settings.rotate = .init(maximumBytes: segmentBytes, maximumAge: .seconds(86_400))
        let writer = try GzipSegmentWriter(
            configuration: settings,
            fileExtension: "ndjson",
            now: { .now },
            archive: (sinkName: "bench", signingKey: nil)
        )
        // xorshift64, seeded once: a system random number per byte would be a system call each
        // (a billion for 1 GiB); the bytes only have to be incompressible, not unpredictable.
        var seed = SystemRandomNumberGenerator()
        var state = seed.next() | 1
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var sequence = 0
        // 1 MiB members: one line of 1 KiB per record.
        while try writer.finalFiles().count < segments {
            var payload: [UInt8] = []
            payload.reserveCapacity(1 << 20)
            for _ in 0..<1024 {
                sequence += 1
                payload += Array("{\"id\":\"activity_\(sequence)\",\"noise\":\"".utf8)
                for _ in 0..<96 {
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                    var word = state
                    for _ in 0..<10 {
                        payload.append(alphabet[Int(word & 63)])
                        word >>= 6
                    }
                }
                payload += Array("\"}\n".utf8)
            }
            try writer.append(payload)
        }
        try writer.close()
    }

    /// Uploads every sealed segment in the spool with the sink's uploader, one after another.
    public static func upload(
        configuration: ForwarderConfiguration.S3Sink,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Result {
        let source = try AWSCredentialResolver(environment: environment).resolve()
        let provider = AWSCredentialsProvider(source: source, logger: Logger(label: "benchmark-s3"))
        let client = S3Client(configuration: configuration, credentials: provider, timeout: .seconds(120))
        let uploader = S3SegmentUploader(client: client, sinkName: "bench", now: { .now })
        let names = try PosixFile.list(configuration.spoolDirectory).filter { $0.hasSuffix(".ndjson.gz") }.sorted()
        var bytes = 0
        let start = ContinuousClock.now
        do {
            for name in names { bytes += try await uploader.upload(segment: name).bytes }
        } catch {
            await client.shutdown()
            await provider.shutdown()
            throw error
        }
        let elapsed = ContinuousClock.now - start
        await client.shutdown()
        await provider.shutdown()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(segments: names.count, bytes: bytes, seconds: seconds)
    }
}
