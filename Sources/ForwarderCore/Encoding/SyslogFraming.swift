/// Stream framing for syslog over TCP/TLS (RFC 6587 / RFC 5425). Pure functions over bytes.
public enum SyslogFraming {
    /// Appends `"<octet count> " + message` (RFC 5425 / RFC 6587 octet counting). The count is the
    /// message's UTF-8 byte length including any BOM, in decimal without leading zeros. The message
    /// is copied unchanged: embedded line feeds are safe with this framing.
    public static func appendOctetCounted(_ message: some Collection<UInt8>, into buffer: inout [UInt8]) {
        appendOctetCountPrefix(length: message.count, into: &buffer)
        buffer.append(contentsOf: message)
    }

    /// Appends just `"<octet count> "` for a message of `length` bytes, for a caller that writes the
    /// message itself.
    public static func appendOctetCountPrefix(length: Int, into buffer: inout [UInt8]) {
        ByteFormatting.appendDecimal(Int64(length), into: &buffer)
        buffer.append(UInt8(ascii: " "))
    }

    /// `"<octet count> " + message` as a new array.
    public static func octetCounted(_ message: some Collection<UInt8>) -> [UInt8] {
        var framed: [UInt8] = []
        framed.reserveCapacity(message.count + 8)
        appendOctetCounted(message, into: &framed)
        return framed
    }

    /// Appends `message` terminated by LF (RFC 6587 non-transparent framing), with every LF and CR
    /// inside the message replaced by a space so the receiver sees exactly one message.
    ///
    /// The replacement loses nothing for the forwarder's formats: CEF escapes line breaks, and in
    /// JSON (ECS or raw) a raw CR/LF can only be white space between tokens (inside strings they are
    /// always escaped), where a space means the same.
    public static func appendLineTerminated(_ message: some Collection<UInt8>, into buffer: inout [UInt8]) {
        for byte in message {
            buffer.append(byte == 0x0A || byte == 0x0D ? UInt8(ascii: " ") : byte)
        }
        buffer.append(0x0A)
    }
}
