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
    private let mac: HMACSHA256

    init(secret: [UInt8], header: String) {
        self.header = header
        self.mac = HMACSHA256(key: secret)
    }

    /// The header carrying the Unix time in seconds.
    var timestampHeader: String { header + "-Timestamp" }

    /// `sha256=<hex>` for `body` sent at `timestamp` (seconds since the epoch).
    func signature(body: [UInt8], timestamp: Int64) -> String {
        "sha256=" + HMACSHA256.hex(mac.authenticationCode(Array(String(timestamp).utf8), [UInt8(ascii: ".")], body))
    }

    var description: String { "WebhookSigner(header: \(header), key: <redacted>)" }
}
