import ForwarderCore
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a bucket back: what `archive verify s3://…` (and the tests) need.
extension S3Client {
    /// Every key under `prefix`, in the store's (lexicographic) order: ListObjectsV2, all pages.
    func listKeys(prefix: String = "") async throws(S3SinkError) -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = "list-type=2&prefix=" + AWSSigner.uriEncode(prefix, keepingSlash: false)
            if let token {
                query = "continuation-token=" + AWSSigner.uriEncode(token, keepingSlash: false) + "&" + query
            }
            let reply = try await send(method: .GET, key: nil, query: query)
            guard reply.status == 200 else { throw failure(reply, doing: "listing") }
            let text = String(decoding: reply.body, as: UTF8.self)
            var rest = Substring(text)
            while let open = rest.range(of: "<Key>"),
                let close = rest.range(of: "</Key>", range: open.upperBound..<rest.endIndex)
            {
                keys.append(AWSXMLLeaves.decodeEntities(rest[open.upperBound..<close.lowerBound]))
                rest = rest[close.upperBound...]
            }
            token =
                AWSXMLLeaves.first("IsTruncated", in: text) == "true"
                ? AWSXMLLeaves.first("NextContinuationToken", in: text) : nil
        } while token != nil
        return keys
    }

    /// Streams the object `key` into a new file at `path` (mode 0600).
    func download(_ key: String, to path: String) async throws(S3SinkError) {
        let fd: Int32
        do {
            fd = try PosixFile.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        } catch {
            throw S3SinkError(.spool, "\(error)")
        }
        defer { PosixFile.close(fd) }
        let reply = try await send(method: .GET, key: key) { part in
            try PosixFile.writeAll(fd, Array(part.readableBytesView), path: path)
        }
        guard reply.status == 200 else { throw failure(reply, doing: "downloading \(key) from") }
    }
}
