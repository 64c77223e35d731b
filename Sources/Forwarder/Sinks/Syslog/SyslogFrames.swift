import ForwarderCore
import NIOCore

/// A batch's framed messages, packed straight into write-sized buffers.
///
/// Streams get buffers of about ``chunkBytes`` (a message is never split across two); datagrams get
/// one buffer per message. Packing frames as they are encoded saves an array per message, and the
/// resend window keeps these same buffers. A chunk's capacity is at most about twice what it holds.
struct SyslogFrames {
    /// What goes to the socket, in order.
    private(set) var chunks: [ByteBuffer] = []
    /// How many messages each chunk holds.
    private(set) var messageCounts: [Int] = []
    /// The number of messages.
    private(set) var count = 0
    let framing: SyslogMessageEncoder.Framing
    let chunkBytes: Int
    private let allocator = ByteBufferAllocator()
    /// One frame at a time, reused.
    private var framed: [UInt8] = []

    init(framing: SyslogMessageEncoder.Framing, chunkBytes: Int) {
        self.framing = framing
        self.chunkBytes = max(chunkBytes, 1)
    }

    /// Frames `message` and appends it.
    mutating func append(_ message: [UInt8]) {
        // Only the length prefix is framed apart (octet counting, the usual case): copying every
        // message through a frame buffer showed in profiles.
        framed.removeAll(keepingCapacity: true)
        let body: [UInt8]
        if framing == .octetCounting {
            SyslogFraming.appendOctetCountPrefix(length: message.count, into: &framed)
            body = message
        } else {
            SyslogMessageEncoder.appendFrame(message, framing: framing, into: &framed)
            body = []
        }
        let frameBytes = framed.count + body.count
        if chunks.isEmpty || framing == .datagram || chunks[chunks.count - 1].readableBytes + frameBytes > chunkBytes {
            // Grown by doubling up to the chunk size rather than allocated whole: the resend window
            // keeps a batch's last chunk, which may hold a single message.
            chunks.append(allocator.buffer(capacity: framing == .datagram ? frameBytes : frameBytes * 4))
            messageCounts.append(0)
        }
        chunks[chunks.count - 1].writeBytes(framed)
        chunks[chunks.count - 1].writeBytes(body)
        messageCounts[messageCounts.count - 1] += 1
        count += 1
    }
}
