/// The SHA-256 of one record's original bytes as received from the API, computed once per record
/// and carried by every line format that has room for it (ECS `event.hash`, CEF `cs6`
/// `recordSha256`) and by the archive's segment manifests.
///
/// Stored inline (no allocation per record); written as 64 lowercase hex digits.
public struct RecordHash: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// - Parameter raw: exactly 32 bytes; shorter input is zero-padded, longer is cut. Not
    ///   generic on purpose: it runs for every record, and a generic initialiser is not
    ///   specialised across modules (each digest byte then paid runtime metadata lookups).
    public init(raw: UnsafeRawBufferPointer) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw.prefix(32)))
        }
        self.words = words
    }

    /// All zero bytes: the placeholder where no digest was recorded.
    public static let zero = RecordHash(raw: UnsafeRawBufferPointer(start: nil, count: 0))

    /// The 32 digest bytes.
    public var bytes: [UInt8] {
        Swift.withUnsafeBytes(of: words) { Array($0) }
    }

    /// Calls `body` with the 32 digest bytes, without copying them.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words, body)
    }

    /// Appends the 64 lowercase hex digits.
    public func appendHex(to buffer: inout [UInt8]) {
        withUnsafeBytes { raw in
            for byte in raw {
                buffer.append(Self.hexDigits[Int(byte >> 4)])
                buffer.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    /// The 64 lowercase hex digits.
    public var hex: String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        appendHex(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses 64 hex digits (either case); `nil` for anything else.
    public init?<Text: Collection>(hex: Text) where Text.Element == UInt8 {
        guard hex.count == 64 else { return nil }
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        var high: UInt8?
        for character in hex {
            guard let nibble = Self.nibble(character) else { return nil }
            if let value = high {
                digest.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self = digest.withUnsafeBytes { RecordHash(raw: $0) }
    }

    public static func == (lhs: RecordHash, rhs: RecordHash) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
