import Crypto
import ForwarderCore

extension RecordHash {
    /// The hash of a swift-crypto SHA-256 digest, copied without per-byte generic iteration.
    init(_ digest: SHA256.Digest) {
        self = digest.withUnsafeBytes { RecordHash(raw: $0) }
    }
}
