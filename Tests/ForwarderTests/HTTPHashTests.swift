import Crypto
import Testing

@testable import Forwarder

/// SHA-256 against FIPS 180-4 / NIST CAVP examples, HMAC-SHA256 against RFC 4231: the library
/// the webhook signer uses, as the signer calls it, and the signer's hex form.
@Suite struct HTTPHashTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func hex(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            result.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) ?? 0)
        }
        return result
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func sha256Vectors(message: String, digest: String) {
        #expect(WebhookSigner.hex(SHA256.hash(data: Self.bytes(message))) == digest)
    }

    @Test func sha256OfOneMillionAs() {
        let digest = SHA256.hash(data: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(WebhookSigner.hex(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Feeding the message in pieces of every awkward size gives the same digest as one call:
    /// the partial-block path is exercised around the 55/56/64-byte padding boundaries.
    @Test func incrementalUpdatesMatchOneShot() {
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300] {
            let expected = SHA256.hash(data: Array(message[..<length]))
            for piece in [1, 3, 63, 64, 65] {
                var hasher = SHA256()
                var start = 0
                while start < length {
                    let end = min(start + piece, length)
                    hasher.update(data: Array(message[start..<end]))
                    start = end
                }
                #expect(hasher.finalize() == expected, "length \(length), pieces of \(piece)")
            }
        }
    }

    @Test(arguments: [
        // RFC 4231 test cases 1–4, 6, 7 (key, data, HMAC-SHA256).
        (
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            "0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            String(repeating: "aa", count: 131),
            "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ])
    func hmacVectors(key: String, data: String, mac: String) {
        let code = HMAC<SHA256>.authenticationCode(for: Self.hex(data), using: SymmetricKey(data: Self.hex(key)))
        #expect(WebhookSigner.hex(code) == mac)
    }

    @Test func hmacTestCase7LongKeyAndData() {
        let data =
            "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
        let mac = HMAC<SHA256>.authenticationCode(
            for: Self.bytes(data),
            using: SymmetricKey(data: [UInt8](repeating: 0xaa, count: 131))
        )
        #expect(WebhookSigner.hex(mac) == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    @Test func hmacTestCase5TruncatedTo128Bits() {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Self.bytes("Test With Truncation"),
            using: SymmetricKey(data: [UInt8](repeating: 0x0c, count: 20))
        )
        #expect(WebhookSigner.hex(Array(mac).prefix(16)) == "a3b6167473100ee06e0c796c2955552b")
    }

    /// The webhook signature is HMAC(secret, "<timestamp>.<body>"), computed in parts.
    @Test func webhookSignatureCoversTimestampDotBody() {
        let signer = WebhookSigner(secret: Self.bytes("s3cret"), header: "X-Signature")
        let body = Self.bytes("{\"a\":1}\n")
        let expected = HMAC<SHA256>.authenticationCode(
            for: Self.bytes("1714566896.{\"a\":1}\n"),
            using: SymmetricKey(data: Self.bytes("s3cret"))
        )
        #expect(signer.signature(body: body, timestamp: 1_714_566_896) == "sha256=" + WebhookSigner.hex(expected))
        #expect(signer.timestampHeader == "X-Signature-Timestamp")
        #expect(!"\(signer)".contains("s3cret"))
    }
}
