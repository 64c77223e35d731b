import Forwarder

/// Decompresses request bodies the sink sent with `Content-Encoding: gzip` (all members), and
/// reads the dead-letter files; `nil` when the data is not entirely complete gzip members.
enum TestGzip {
    static func decompress(_ data: [UInt8]) -> [UInt8]? {
        let result = GzipDecoder.decompressMembers(data)
        return result.isComplete ? result.output : nil
    }
}
