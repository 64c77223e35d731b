import ComplianceAPI
import ForwarderCore
import NIOCore
import Testing

@testable import Forwarder

/// Framing, size limit and resend window, without a network.
@Suite struct SyslogFramingTests {
    static let readAt = RFC3339Timestamp(secondsSinceEpoch: 1_790_000_000)

    static func encoder(
        framing: SyslogMessageEncoder.Framing = .octetCounting,
        format: OutputFormat = .raw,
        maximumMessageBytes: Int = 64 << 10,
        header: SyslogHeaderEncoder.Configuration.HeaderStyle = .rfc5424
    ) -> SyslogMessageEncoder {
        SyslogMessageEncoder(
            syslog: SyslogHeaderEncoder(configuration: .init(hostname: "fwd.example.com", headerStyle: header)),
            payload: ActivityEncoder(format: format),
            framing: framing,
            maximumMessageBytes: maximumMessageBytes
        )
    }

    static func activity(note: String) throws -> Activity {
        try Activity(
            json: """
                {"id":"activity_test_1","type":"claude_chat_viewed","created_at":"2024-05-01T12:34:56.789Z",\
                "organization_id":"org_1","actor":{"type":"user_actor","email_address":"a@example.com"},"note":"\(note)"}
                """
        )
    }

    /// Splits `LEN SP MSG`, checking LEN is the byte count of the rest.
    static func octetFrame(_ frame: [UInt8]) -> (length: Int, message: [UInt8])? {
        guard let space = frame.firstIndex(of: UInt8(ascii: " ")),
            let length = Int(String(decoding: frame[..<space], as: UTF8.self))
        else { return nil }
        return (length, Array(frame[(space + 1)...]))
    }

    @Test func octetCountIsTheUTF8ByteLength() throws {
        let event = Event(index: 0, activity: try Self.activity(note: "hé 🙂 ünïcode"))
        let frame = Self.encoder().encode(event, readAt: Self.readAt).frame
        let parsed = try #require(Self.octetFrame(frame))
        #expect(parsed.length == parsed.message.count)
        let text = String(decoding: parsed.message, as: UTF8.self)
        #expect(parsed.length > text.count, "multi-byte characters must count as bytes")
        #expect(
            text.hasPrefix(
                "<110>1 2024-05-01T12:34:56.789Z fwd.example.com compliance-forwarder - claude_chat_viewed [claude@32473 id=\"activity_test_1\" org=\"org_1\"] {"
            )
        )
    }

    @Test func frameMatchesTheSpecVector() {
        // formats.md §3.5 vector 2: 68 octets for 67 characters.
        let message = Array("<110>1 2024-05-01T12:34:56.789Z fwd.example.com acme-audit - - - hé".utf8)
        #expect(Self.encoder().frame(message) == Array("68 ".utf8) + message)
    }

    @Test func newlineFramingKeepsOneMessagePerLine() {
        let framed = Self.encoder(framing: .newline).frame(Array("<134>1 - - - - - - a\nb\rc".utf8))
        #expect(framed == Array("<134>1 - - - - - - a b c\n".utf8))
        let datagram = Self.encoder(framing: .datagram).frame(Array("<134>1 - - - - - - x".utf8))
        #expect(datagram == Array("<134>1 - - - - - - x".utf8))
    }

    @Test(arguments: [600, 1000, 4097])
    func oversizeMessageIsTruncatedOnACharacterBoundaryAndMarked(limit: Int) throws {
        let note = String(repeating: "é€🙂x", count: 2000)
        let event = Event(index: 0, activity: try Self.activity(note: note))
        let encoded = Self.encoder(maximumMessageBytes: limit).encode(event, readAt: Self.readAt)
        let parsed = try #require(Self.octetFrame(encoded.frame))
        #expect(parsed.length == parsed.message.count)
        #expect(parsed.message.count <= limit)
        #expect(parsed.message.count > limit - 4, "cut at most one character short of the limit")
        let text = try #require(String(validating: parsed.message, as: UTF8.self), "valid UTF-8 after the cut")
        let original = try #require(encoded.truncatedFrom)
        #expect(original > limit)
        #expect(text.contains("[claude@32473 id=\"activity_test_1\" org=\"org_1\" truncated=\"\(original)\"]"))
    }

    @Test func legacyHeaderMarksTruncationInTheMessage() throws {
        let event = Event(index: 0, activity: try Self.activity(note: String(repeating: "a", count: 5000)))
        let encoded = Self.encoder(maximumMessageBytes: 1000, header: .rfc3164).encode(event, readAt: Self.readAt)
        let parsed = try #require(Self.octetFrame(encoded.frame))
        #expect(parsed.message.count == 1000)
        #expect(String(decoding: parsed.message, as: UTF8.self).hasSuffix(" [truncated]"))
    }

    @Test func messageWithinTheLimitIsUntouched() throws {
        let event = Event(index: 0, activity: try Self.activity(note: "short"))
        let encoded = Self.encoder(maximumMessageBytes: 480).encode(event, readAt: Self.readAt)
        #expect(encoded.truncatedFrom == nil)
        #expect(String(decoding: encoded.frame, as: UTF8.self).hasSuffix("\"note\":\"short\"}"))
    }

    @Test func utf8BoundaryNeverSplitsASequence() {
        let bytes = Array("a🙂b".utf8)  // 61 F0 9F 99 82 62
        #expect(SyslogMessageEncoder.utf8Boundary(in: bytes, atOrBefore: 3, notBefore: 0) == 1)
        #expect(SyslogMessageEncoder.utf8Boundary(in: bytes, atOrBefore: 5, notBefore: 0) == 5)
        #expect(SyslogMessageEncoder.utf8Boundary(in: bytes, atOrBefore: 1, notBefore: 0) == 1)
    }

    /// `messages` framed with octet counting, one chunk per message when `chunkBytes` is tiny.
    static func frames(_ messages: [String], chunkBytes: Int = 1) -> SyslogFrames {
        var frames = SyslogFrames(framing: .octetCounting, chunkBytes: chunkBytes)
        for message in messages { frames.append(Array(message.utf8)) }
        return frames
    }

    @Test func framesArePackedIntoChunksWithoutSplittingAMessage() {
        let packed = Self.frames(["aaaa", "bb", "cccccc", "d"], chunkBytes: 14)
        #expect(packed.chunks.map { String(buffer: $0) } == ["4 aaaa2 bb", "6 cccccc1 d"])
        #expect(packed.messageCounts == [2, 2])
        #expect(packed.count == 4)
        // A frame larger than the chunk size gets a chunk of its own.
        let large = Self.frames(["x", String(repeating: "y", count: 40), "z"], chunkBytes: 14)
        #expect(large.chunks.map(\.readableBytes) == [3, 43, 3])

        var lines = SyslogFrames(framing: .newline, chunkBytes: 1024)
        lines.append(Array("a\r\nb".utf8))
        lines.append(Array("c".utf8))
        #expect(lines.chunks.map { String(buffer: $0) } == ["a  b\nc\n"])
        var datagrams = SyslogFrames(framing: .datagram, chunkBytes: 1024)
        datagrams.append(Array("one".utf8))
        datagrams.append(Array("two".utf8))
        #expect(datagrams.chunks.map { String(buffer: $0) } == ["one", "two"])
    }

    @Test func resendWindowKeepsRecentChunksAndHonoursItsLimits() {
        let start = ContinuousClock.now
        func resent(_ window: inout SyslogResendWindow, at time: ContinuousClock.Instant) -> [String] {
            window.chunksForResend(at: time).map { String(buffer: $0) }
        }
        var window = SyslogResendWindow(retention: .seconds(10), maximumEvents: 3, maximumBytes: 1000)
        window.append(Self.frames(["1", "2"]), at: start)
        window.append(Self.frames(["3"]), at: start + .seconds(5))
        window.prune(now: start + .seconds(11))
        #expect(resent(&window, at: start + .seconds(11)) == ["1 3"])
        window.append(Self.frames(["4", "5", "6"]), at: start + .seconds(12))
        #expect(window.count == 3)
        #expect(window.evicted == 1)
        var bytes = SyslogResendWindow(retention: .seconds(10), maximumEvents: 100, maximumBytes: 8)
        bytes.append(Self.frames(["11", "22", "33"]), at: start)
        #expect(resent(&bytes, at: start) == ["2 22", "2 33"])
        #expect(bytes.byteCount == 8)
        // Limits apply per chunk: a chunk of two messages leaves whole.
        var packed = SyslogResendWindow(retention: .seconds(10), maximumEvents: 3, maximumBytes: 1000)
        packed.append(Self.frames(["a", "b"], chunkBytes: 6), at: start)
        packed.append(Self.frames(["c", "d"], chunkBytes: 6), at: start)
        #expect(resent(&packed, at: start) == ["1 c1 d"])
        #expect(packed.evicted == 2)
    }
}
