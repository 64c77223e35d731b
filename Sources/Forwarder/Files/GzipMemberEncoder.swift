import CZlib

/// Compresses a buffer into one complete gzip member (header, deflate data, CRC-32 and ISIZE).
///
/// Each flushed batch becomes its own member, so a file cut short by a crash is a valid gzip
/// file up to its last complete member: `zcat` reads every acknowledged batch and nothing else.
final class GzipMemberEncoder {
    private var stream = z_stream()
    private let initialized: Bool

    /// - Parameter level: 1 (fastest) … 9 (smallest).
    init(level: Int32) throws(FileError) {
        // windowBits 15 + 16 asks zlib for the gzip wrapper.
        let status = deflateInit2_(
            &stream,
            level,
            Z_DEFLATED,
            15 + 16,
            8,
            Z_DEFAULT_STRATEGY,
            ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size)
        )
        guard status == Z_OK else {
            initialized = false
            throw FileError(code: .compression, message: "deflateInit2 failed with status \(status)")
        }
        initialized = true
    }

    deinit {
        if initialized { deflateEnd(&stream) }
    }

    /// Appends one gzip member holding `input` to `output`; `comment` (ASCII, no NUL) goes into
    /// the member header's FCOMMENT field, which gzip readers skip.
    func compress(_ input: [UInt8], comment: [UInt8]? = nil, into output: inout [UInt8]) throws(FileError) {
        deflateReset(&stream)
        guard let comment else {
            try deflateMember(input, headerBytes: 0, into: &output)
            return
        }
        var header = gz_header()
        var terminated = comment + [0]
        try terminated.withUnsafeMutableBufferPointer { (text) throws(FileError) in
            header.comment = text.baseAddress
            try withUnsafeMutablePointer(to: &header) { (pointer) throws(FileError) in
                deflateSetHeader(&stream, pointer)
                try deflateMember(input, headerBytes: text.count, into: &output)
            }
        }
    }

    private func deflateMember(_ input: [UInt8], headerBytes: Int, into output: inout [UInt8]) throws(FileError) {
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32 + headerBytes
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        var status: Int32 = Z_OK
        var produced = 0
        input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress.map { $0 + start }
                stream.avail_out = uInt(bound)
                status = deflate(&stream, Z_FINISH)
                produced = bound - Int(stream.avail_out)
            }
        }
        stream.next_in = nil
        stream.next_out = nil
        guard status == Z_STREAM_END else {
            output.removeSubrange(start...)
            throw FileError(code: .compression, message: "deflate did not finish (status \(status))")
        }
        output.removeSubrange((start + produced)...)
    }
}

/// Finds where the complete, verified gzip members of a file end.
enum GzipMemberScanner {
    /// The length of the longest prefix of `data` made of whole members whose CRC-32 and ISIZE
    /// verify. A crash-interrupted tail (a partial member) is excluded.
    static func validPrefixLength(_ data: [UInt8]) -> Int {
        var offset = 0
        while offset < data.count, let member = GzipDecoder.inflateMember(data, from: offset, keepOutput: false) {
            offset += member.consumed
        }
        return offset
    }

    /// The header comment of each complete member at the start of `data` (`nil` where a member
    /// has none), and where those members end.
    static func memberComments(_ data: [UInt8], keepOutput: Bool = false) -> (members: [GzipDecoder.Member], end: Int) {
        var members: [GzipDecoder.Member] = []
        var offset = 0
        while offset < data.count, let member = GzipDecoder.inflateMember(data, from: offset, keepOutput: keepOutput) {
            members.append(member)
            offset += member.consumed
        }
        return (members, offset)
    }
}

/// Decompresses multi-member gzip data (for tests, tooling and recovery).
public enum GzipDecoder {
    /// The concatenated content of every complete member; a trailing partial member is ignored.
    public static func decompress(_ data: [UInt8]) -> [UInt8] {
        decompressMembers(data).output
    }

    /// The content of every complete member, and whether they cover all of `data`.
    public static func decompressMembers(_ data: [UInt8]) -> (output: [UInt8], isComplete: Bool) {
        var output: [UInt8] = []
        var offset = 0
        while offset < data.count, let member = inflateMember(data, from: offset, keepOutput: true) {
            output += member.output
            offset += member.consumed
        }
        return (output, offset == data.count)
    }

    /// One complete gzip member.
    struct Member {
        /// The decompressed content (empty unless asked for).
        var output: [UInt8]
        /// Compressed bytes, header to trailer.
        var consumed: Int
        /// The header's FCOMMENT, without its NUL.
        var comment: [UInt8]?
    }

    /// Inflates the one member starting at `offset`; `nil` unless it is complete and its CRC-32
    /// and ISIZE verify (zlib checks the trailer before it reports the end).
    static func inflateMember(_ data: [UInt8], from offset: Int, keepOutput: Bool) -> Member? {
        guard data.count - offset >= 18, data[offset] == 0x1F, data[offset + 1] == 0x8B, data[offset + 2] == 8 else {
            return nil
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { inflateEnd(&stream) }
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        var produced: [UInt8] = []
        var status: Int32 = Z_OK
        var header = gz_header()
        var commentBuffer = [UInt8](repeating: 0, count: 8 * 1024)
        var hadComment = false
        data.withUnsafeBufferPointer { input in
            commentBuffer.withUnsafeMutableBufferPointer { commentSpace in
                header.comment = commentSpace.baseAddress
                header.comm_max = uInt(commentSpace.count - 1)
                _ = withUnsafeMutablePointer(to: &header) { inflateGetHeader(&stream, $0) }
                scratch.withUnsafeMutableBufferPointer { buffer in
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + offset })
                    stream.avail_in = uInt(input.count - offset)
                    repeat {
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        if keepOutput {
                            produced.append(contentsOf: buffer[0..<(buffer.count - Int(stream.avail_out))])
                        }
                    } while status == Z_OK
                }
                hadComment = header.comment != nil && data[offset + 3] & 0x10 != 0
            }
        }
        guard status == Z_STREAM_END else { return nil }
        let comment = hadComment ? Array(commentBuffer.prefix { $0 != 0 }) : nil
        return Member(output: produced, consumed: data.count - offset - Int(stream.avail_in), comment: comment)
    }
}
