/// Compresses a request body for `Content-Encoding: gzip`: one gzip member, the same encoder the
/// file archive uses.
enum GzipRequestBody {
    /// The gzip form of `body`, or `nil` if zlib fails (the body is then sent uncompressed).
    static func compress(_ body: [UInt8], level: Int32) -> [UInt8]? {
        guard let encoder = try? GzipMemberEncoder(level: level) else { return nil }
        var compressed: [UInt8] = []
        do {
            try encoder.compress(body, into: &compressed)
        } catch {
            return nil
        }
        return compressed
    }
}
