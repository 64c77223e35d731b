import Crypto

/// Signs webhook bodies: `<header>: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`
/// with the Unix time in `<header>-Timestamp` (default `X-Signature` and `X-Signature-Timestamp`).
///
/// - The MAC covers the body bytes exactly as sent, after gzip when `gzip: true`, so a receiver
///   verifies before it decompresses or parses anything.
/// - The timestamp is inside the MAC, so a captured request cannot be replayed later than the
///   receiver's tolerance (5 minutes is usual); every retry is signed afresh with a new timestamp.
/// - Receivers compare in constant time. `docs/http-sinks.md` has a verification snippet.
struct WebhookSigner: Sendable, CustomStringConvertible {
    /// The header carrying `sha256=<hex>`.
    let header: String
    /// The raw secret: Crypto's `SymmetricKey` is not `Sendable`, so the key is built per body.
    private let secret: [UInt8]

    init(secret: [UInt8], header: String) {
        self.header = header
        self.secret = secret
    }

    /// The header carrying the Unix time in seconds.
    var timestampHeader: String { header + "-Timestamp" }

    /// `sha256=<hex>` for `body` sent at `timestamp` (seconds since the epoch).
    func signature(body: [UInt8], timestamp: Int64) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: secret))
        mac.update(data: Array(String(timestamp).utf8))
        mac.update(data: [UInt8(ascii: ".")])
        mac.update(data: body)
        return "sha256=" + Self.hex(mac.finalize())
    }

    /// Lower-case hexadecimal, as receivers compare signatures.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    var description: String { "WebhookSigner(header: \(header), key: <redacted>)" }
}
