import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The integrity values an S3 `PUT` carries: `Content-MD5` (Object Lock buckets refuse uploads
/// without an integrity header), `x-amz-checksum-sha256`, and the hex SHA-256 that SigV4 signs
/// as `x-amz-content-sha256`.
///
/// Computed in one pass over the bytes, so a spooled segment can be hashed on disk before it is
/// streamed (the upload then sends ``AWSSignableRequest/Payload/sha256(hex:)``).
/// Not `Sendable`: swift-crypto's hash states are not; one upload hashes in one task.
public struct S3Checksums {
    private var md5 = Insecure.MD5()
    private var sha256 = SHA256()

    public init() {}

    /// Adds the next bytes of the object.
    public mutating func update(_ bytes: some DataProtocol) {
        md5.update(data: bytes)
        sha256.update(data: bytes)
    }

    /// The final values.
    public func finalize() -> Digests {
        let sha = Array(sha256.finalize())
        return Digests(
            contentMD5: Data(md5.finalize()).base64EncodedString(),
            checksumSHA256: Data(sha).base64EncodedString(),
            sha256Hex: WebhookSigner.hex(sha)
        )
    }

    /// The three header values of one object.
    public struct Digests: Sendable, Hashable {
        /// `Content-MD5`: base64 of the MD5 digest.
        public var contentMD5: String
        /// `x-amz-checksum-sha256`: base64 of the SHA-256 digest.
        public var checksumSHA256: String
        /// `x-amz-content-sha256`: lower-case hex of the SHA-256 digest.
        public var sha256Hex: String
    }

    /// The digests of `bytes`.
    public static func of(_ bytes: [UInt8]) -> Digests {
        var checksums = S3Checksums()
        checksums.update(bytes)
        return checksums.finalize()
    }
}
