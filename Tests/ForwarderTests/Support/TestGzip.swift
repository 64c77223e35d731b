import CZlib

/// Decompresses request bodies the sink sent with `Content-Encoding: gzip` (all members), and
/// reads the dead-letter files.
enum TestGzip {
    static func decompress(_ data: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = 0
        while offset < data.count {
            var status: Int32 = Z_OK
            data.withUnsafeBufferPointer { input in
                scratch.withUnsafeMutableBufferPointer { buffer in
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + offset })
                    stream.avail_in = uInt(input.count - offset)
                    repeat {
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        output.append(contentsOf: buffer[0..<(buffer.count - Int(stream.avail_out))])
                    } while status == Z_OK
                    offset = input.count - Int(stream.avail_in)
                }
            }
            guard status == Z_STREAM_END else { return nil }
            // Multi-member files (one member per dead-letter write): start the next member.
            inflateReset(&stream)
        }
        return output
    }
}
