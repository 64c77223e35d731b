import CZlib

/// Compresses a request body for `Content-Encoding: gzip`.
///
/// One gzip member written straight into uninitialised capacity: request bodies are up to a few
/// MiB and compressed once per attempt, so the output is not zero-filled first.
enum GzipRequestBody {
    /// The gzip form of `body`, or `nil` if zlib fails (the body is then sent uncompressed).
    static func compress(_ body: [UInt8], level: Int32) -> [UInt8]? {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for the gzip wrapper.
        guard
            deflateInit2_(
                &stream,
                level,
                Z_DEFLATED,
                15 + 16,
                8,
                Z_DEFAULT_STRATEGY,
                ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)
            ) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(body.count))) + 32
        var status: Int32 = Z_STREAM_ERROR
        let output = body.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(bound)
                status = deflate(&stream, Z_FINISH)
                count = status == Z_STREAM_END ? bound - Int(stream.avail_out) : 0
            }
        }
        return status == Z_STREAM_END ? output : nil
    }
}
