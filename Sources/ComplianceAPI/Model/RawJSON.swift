#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A record's original JSON text: a slice of the response body it arrived in when that slice is
/// valid UTF-8 (byte for byte what a `String` of it would hold), else a repaired `String` of its own.
///
/// Slicing saves each record a heap allocation, a copy and a UTF-8 validation of its whole text.
/// The body stays alive while any record from it does, about the memory the records' own copies
/// would take.
struct RawJSON: Sendable, Equatable, Hashable {
    private enum Storage: Sendable {
        case slice(ResponseBody, Range<Int>)
        case text(String)
    }

    private let storage: Storage

    init(_ text: String) {
        storage = .text(text)
    }

    /// The text at `range` of `body`.
    init(body: ResponseBody, range: Range<Int>) {
        storage = body.bytes.withUnsafeBufferPointer { bytes in
            let slice = UnsafeBufferPointer(rebasing: bytes[range])
            return UTF8Validation.isValid(slice) ? .slice(body, range) : .text(String(decoding: slice, as: UTF8.self))
        }
    }

    /// The text as a `String` (made on each call for a slice).
    var string: String {
        switch storage {
        case .text(let text): text
        case .slice: withUTF8 { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The length of the UTF-8 text.
    var byteCount: Int {
        switch storage {
        case .text(let text): text.utf8.count
        case .slice(_, let range): range.count
        }
    }

    /// Calls `body` with the UTF-8 text.
    func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        switch storage {
        case .text(let text):
            var text = text
            return try text.withUTF8(body)
        case .slice(let response, let range):
            return try response.bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
        }
    }

    /// Equal when the bytes are equal.
    static func == (lhs: RawJSON, rhs: RawJSON) -> Bool {
        lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                guard left.count == right.count else { return false }
                guard let a = left.baseAddress, let b = right.baseAddress else { return true }
                return memcmp(a, b, left.count) == 0
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// A response body, shared by the records sliced from it.
final class ResponseBody: Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }
}
