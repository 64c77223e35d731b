/// HMAC-SHA256 (RFC 2104), verified against the RFC 4231 vectors in the tests.
///
/// The padded key blocks are computed once per key, so signing many request bodies with the same
/// webhook secret costs two SHA-256 passes over the message and nothing more.
struct HMACSHA256: Sendable {
    private let innerPad: [UInt8]
    private let outerPad: [UInt8]

    /// - Parameter key: The shared secret; keys longer than a block are hashed first, as RFC 2104 says.
    init(key: some Collection<UInt8>) {
        var block = key.count > SHA256.blockByteCount ? SHA256.hash(key) : Array(key)
        block.append(contentsOf: repeatElement(0, count: SHA256.blockByteCount - block.count))
        innerPad = block.map { $0 ^ 0x36 }
        outerPad = block.map { $0 ^ 0x5c }
    }

    /// The MAC of the concatenation of `parts` (saves joining a timestamp and a large body).
    func authenticationCode(_ parts: [UInt8]...) -> [UInt8] {
        var inner = SHA256()
        inner.update(innerPad)
        for part in parts { inner.update(part) }
        var outer = SHA256()
        outer.update(outerPad)
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Lowercase hexadecimal, the form signature headers carry.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
