import ComplianceAPI
import ForwarderCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Uploads one sealed spool segment and its manifest: each with a single `PUT`, `Content-MD5`,
/// `x-amz-checksum-sha256`, the storage class, encryption and Object Lock headers configured.
///
/// The segment is hashed on disk first (one pass for MD5 and SHA-256), then streamed in chunks:
/// no segment is ever held in memory. The key is ``S3ObjectKey``'s, so uploading a segment again
/// replaces the same key. The manifest goes second, under the same lock, at the object's key
/// plus `.manifest.json`: a manifest in the bucket always describes an object that is there.
struct S3SegmentUploader: Sendable {
    let client: S3Client
    let sinkName: String
    let now: @Sendable () -> RFC3339Timestamp

    /// What one upload put in the bucket.
    struct Uploaded: Sendable, Hashable {
        var key: String
        var manifestKey: String
        var bytes: Int
        var records: Int
        /// The store already held these bytes under the key: nothing was sent.
        var skipped = false
    }

    /// Whether `key` holds an object with exactly these digests: its SHA-256 checksum (asked for
    /// with `x-amz-checksum-mode`), else its `ETag` when that is the MD5 (single `PUT`, no KMS).
    private func isStored(_ key: String, _ digests: S3Checksums.Digests) async throws(S3SinkError) -> Bool {
        let reply = try await client.send(method: .HEAD, key: key, headers: [("x-amz-checksum-mode", "ENABLED")])
        guard (200..<300).contains(reply.status) else { return false }
        if let checksum = reply.headers.first(name: "x-amz-checksum-sha256") {
            return checksum == digests.checksumSHA256
        }
        let md5 = Data(base64Encoded: digests.contentMD5).map { WebhookSigner.hex(Array($0)) }
        let etag = reply.headers.first(name: "etag")?.filter { $0 != "\"" }
        return client.configuration.serverSideEncryption != .kms && md5 != nil && etag == md5
    }

    /// Uploads the segment named `segment` in the spool directory.
    ///
    /// - Parameter ifAbsent: First ask (`HEAD`) whether the key and its manifest already hold
    ///   these bytes, and upload nothing if so: a segment an earlier run uploaded just before it
    ///   was killed is not stored again (in a versioned or locked bucket, a second version).
    func upload(segment: String, ifAbsent: Bool = false) async throws(S3SinkError) -> Uploaded {
        let configuration = client.configuration
        let path = configuration.spoolDirectory + "/" + segment
        let manifestBytes: [UInt8]
        let manifest: SegmentManifest
        do {
            guard let bytes = try PosixFile.read(path + SegmentManifest.fileSuffix) else {
                throw S3SinkError(.spool, "the manifest of spool segment \(segment) is missing")
            }
            manifestBytes = bytes
            manifest = try SegmentManifest(json: JSONParser.parse(bytes))
        } catch let error as S3SinkError {
            throw error
        } catch {
            throw S3SinkError(.spool, "cannot read the manifest of spool segment \(segment): \(error)")
        }
        guard
            let key = S3ObjectKey.make(
                prefix: configuration.prefix,
                sink: sinkName,
                segment: segment,
                first: manifest.first?.id,
                last: manifest.last?.id,
                sha256: manifest.segmentSHA256
            )
        else { throw S3SinkError(.spool, "\(segment) is not a spool segment name") }

        let (digests, length) = try Self.hash(path)
        let manifestKey = key + S3ObjectKey.manifestSuffix
        let manifestDigests = S3Checksums.of(manifestBytes)
        if ifAbsent, try await isStored(key, digests), try await isStored(manifestKey, manifestDigests) {
            return Uploaded(key: key, manifestKey: manifestKey, bytes: length, records: manifest.records, skipped: true)
        }
        let lock = lockHeaders()
        var headers: [(name: String, value: String)] = [
            ("content-md5", digests.contentMD5),
            ("content-type", "application/gzip"),
            ("x-amz-checksum-sha256", digests.checksumSHA256),
            ("x-amz-meta-spool-segment", segment),
            ("x-amz-meta-records", String(manifest.records)),
        ]
        headers += storageHeaders() + lock
        let reply = try await client.send(
            method: .PUT,
            key: key,
            headers: headers,
            body: .file(path: path, length: length),
            payloadSHA256: digests.sha256Hex,
            readBody: false
        )
        guard (200..<300).contains(reply.status) else { throw client.failure(reply, doing: "uploading \(key) to") }

        let manifestHeaders: [(name: String, value: String)] =
            [
                ("content-md5", manifestDigests.contentMD5),
                ("content-type", "application/json"),
                ("x-amz-checksum-sha256", manifestDigests.checksumSHA256),
                ("x-amz-meta-spool-segment", segment),
            ] + storageHeaders() + lock
        let manifestReply = try await client.send(
            method: .PUT,
            key: manifestKey,
            headers: manifestHeaders,
            body: .bytes(manifestBytes),
            payloadSHA256: manifestDigests.sha256Hex,
            readBody: false
        )
        guard (200..<300).contains(manifestReply.status) else {
            throw client.failure(manifestReply, doing: "uploading \(manifestKey) to")
        }
        return Uploaded(key: key, manifestKey: manifestKey, bytes: length, records: manifest.records)
    }

    /// `x-amz-storage-class` and the server-side encryption headers.
    func storageHeaders() -> [(name: String, value: String)] {
        let configuration = client.configuration
        var headers: [(name: String, value: String)] = []
        if let storageClass = configuration.storageClass { headers.append(("x-amz-storage-class", storageClass)) }
        if let sse = configuration.serverSideEncryption {
            headers.append(("x-amz-server-side-encryption", sse == .kms ? "aws:kms" : "AES256"))
            if let key = configuration.kmsKeyID {
                headers.append(("x-amz-server-side-encryption-aws-kms-key-id", key))
            }
        }
        return headers
    }

    /// The Object Lock mode and retain-until date (now plus `retain`, whole seconds, UTC).
    func lockHeaders() -> [(name: String, value: String)] {
        guard let lock = client.configuration.objectLock else { return [] }
        return [
            ("x-amz-object-lock-mode", lock.mode == .compliance ? "COMPLIANCE" : "GOVERNANCE"),
            ("x-amz-object-lock-retain-until-date", now().adding(lock.retain).formatted(fractionDigits: 0)),
        ]
    }

    /// MD5 and SHA-256 of the file at `path` and its length, read in chunks.
    static func hash(_ path: String) throws(S3SinkError) -> (S3Checksums.Digests, Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw S3SinkError(.spool, "cannot open spool segment \(path): \(String(cString: strerror(errno)))")
        }
        defer { _ = close(fd) }
        var checksums = S3Checksums()
        var buffer = [UInt8](repeating: 0, count: FileChunks.chunkSize)
        var length = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                var result: Int
                repeat { result = read(fd, raw.baseAddress, raw.count) } while result < 0 && errno == EINTR
                return result
            }
            if count < 0 {
                throw S3SinkError(.spool, "cannot read spool segment \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            checksums.update(buffer[0..<count])
            length += count
        }
        return (checksums.finalize(), length)
    }
}
