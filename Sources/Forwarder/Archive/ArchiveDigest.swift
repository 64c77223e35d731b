import Crypto
import ForwarderCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 helpers for the archive, in the hex form manifests hold.
enum ArchiveDigest {
    /// The lowercase hex SHA-256 of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        RecordHash(Crypto.SHA256.hash(data: bytes)).hex
    }

    /// SHA-256 over the concatenated 32-byte values of `hexDigests` (one that does not parse
    /// contributes 32 zero bytes, so the result still differs from the honest one).
    static func combine(_ hexDigests: [String]) -> String {
        var hasher = Crypto.SHA256()
        for digest in hexDigests {
            let value = RecordHash(hex: Array(digest.utf8)) ?? RecordHash.zero
            value.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return RecordHash(hasher.finalize()).hex
    }

    /// The hash a line stands for in its member's `records_sha256`: the record's hash, except for
    /// a raw line whose record held a CR or LF (written as spaces), where it is the line's own
    /// hash, so that a verifier can always recompute it from the line.
    static func lineHash(_ event: Event, line: ArraySlice<UInt8>, format: OutputFormat) -> RecordHash {
        guard format == .raw else { return event.recordHash }
        let hasLineBreak = event.activity.withRawJSONBytes { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0x0A, bytes.count) != nil || memchr(base, 0x0D, bytes.count) != nil
        }
        guard hasLineBreak else { return event.recordHash }
        return line.withUnsafeBytes { RecordHash(Crypto.SHA256.hash(data: $0)) }
    }

    /// Accumulates record hashes into a member's `records_sha256`.
    struct RecordsHasher {
        private var hasher = Crypto.SHA256()
        private(set) var count = 0

        mutating func add(_ hash: RecordHash) {
            hash.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            count += 1
        }

        func finalize() -> String {
            RecordHash(hasher.finalize()).hex
        }
    }
}
