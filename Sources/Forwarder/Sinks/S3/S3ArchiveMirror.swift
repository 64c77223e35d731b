import ComplianceAPI
import ForwarderCore
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Copies the segments and manifests an s3 sink uploaded under a prefix into a local directory,
/// laid out as the sink's spool had them (each segment under its spool name, beside
/// `<name>.manifest.json`), so that ``ArchiveVerifier`` checks the bucket's chain exactly as it
/// checks a file sink's directory: lengths, SHA-256, members, records, links and signatures.
///
/// Objects are streamed to disk, never held whole in memory. Manifests are input from the bucket:
/// a segment name that is not a plain file name is refused, never used as a path.
public enum S3ArchiveMirror {
    /// `s3://bucket/prefix` split; `nil` when `url` is not of that form.
    public static func parse(_ url: String) -> (bucket: String, prefix: String)? {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { return nil }
        return (String(bucket), String(rest.dropFirst(bucket.count).drop { $0 == "/" }))
    }

    /// Downloads every manifest under `prefix` and the object it describes into `directory`.
    /// - Returns: The number of segments copied.
    public static func download(
        configuration: ForwarderConfiguration.S3Sink,
        prefix: String,
        into directory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Int {
        let source = try AWSCredentialResolver(environment: environment).resolve()
        let provider = AWSCredentialsProvider(source: source, logger: Logger(label: "archive-verify"))
        let client = S3Client(configuration: configuration, credentials: provider, timeout: .seconds(60))
        do {
            let count = try await copy(client, prefix: prefix, into: directory)
            await client.shutdown()
            await provider.shutdown()
            return count
        } catch {
            await client.shutdown()
            await provider.shutdown()
            throw error
        }
    }

    private static func copy(_ client: S3Client, prefix: String, into directory: String) async throws -> Int {
        let suffix = SegmentManifest.fileSuffix
        var count = 0
        for key in try await client.listKeys(prefix: prefix) where key.hasSuffix(suffix) {
            let staging = directory + "/.download"
            try await client.download(key, to: staging)
            guard let bytes = try PosixFile.read(staging),
                let segment = (try? JSONParser.parse(bytes))?.objectValue?.string("segment"),
                isPlainName(segment)
            else {
                throw S3SinkError(.rejected, "\(client.describe(key)) is not a segment manifest")
            }
            try PosixFile.rename(staging, directory + "/" + segment + suffix)
            try await client.download(String(key.dropLast(suffix.count)), to: directory + "/" + segment)
            count += 1
        }
        return count
    }

    /// A file name without directories, not hidden, not `.` or `..`.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && !name.hasPrefix(".") && !name.contains("\0")
    }
}
