import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read in chunks as an upload's body asks for them: a segment of any size is streamed
/// with at most one chunk in memory, never read whole.
///
/// A read error ends the request with that error, so the store never confirms a short object
/// (the length is declared up front, and S3 checks `Content-MD5` besides).
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// 256 KiB: large enough for few system calls, small enough to stay invisible in RSS.
    static let chunkSize = 256 << 10

    let path: String

    struct ReadFailed: Error, CustomStringConvertible {
        var path: String
        var errno: Int32
        var description: String { "cannot read \(path): \(String(cString: strerror(errno)))" }
    }

    final class AsyncIterator: AsyncIteratorProtocol {
        private let path: String
        private var fd: Int32 = -1
        private var finished = false
        private var scratch = [UInt8](repeating: 0, count: FileChunks.chunkSize)

        init(path: String) { self.path = path }

        deinit {
            if fd >= 0 { _ = close(fd) }
        }

        func next() async throws -> ByteBuffer? {
            if finished { return nil }
            if fd < 0 {
                fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw ReadFailed(path: path, errno: errno) }
            }
            let count = scratch.withUnsafeMutableBytes { raw in
                var result: Int
                repeat { result = read(fd, raw.baseAddress, raw.count) } while result < 0 && errno == EINTR
                return result
            }
            if count < 0 { throw ReadFailed(path: path, errno: errno) }
            if count == 0 {
                finished = true
                _ = close(fd)
                fd = -1
                return nil
            }
            return ByteBuffer(bytes: scratch[0..<count])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(path: path) }
}
