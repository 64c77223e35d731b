import ComplianceAPI

/// The checkpoint file format: a header line naming the format, its version and the CRC-32 of
/// the payload, then the payload as one JSON line.
///
/// ```
/// {"format":"compliance-forwarder/checkpoint","version":1,"crc32":"8a3f09c2","bytes":213}
/// {"start":"2026-01-01T00:00:00Z","cursor":"activity_01…","cursor_created_at":"…","updated_at":"…","delivered":[["activity_01…","…"]],"sinks":{"archive":[["activity_01…","…"]]}}
/// ```
///
/// `sinks` (per-sink resume, ``SinkProgress``) is written only when a sink is ahead of the
/// cursor, and is optional when reading: files without it (written before per-sink resume) load
/// with no per-sink progress. The version stays 1 because a release that does not know `sinks`
/// reads the file correctly, ignoring it (it then re-sends to every sink after the cursor).
///
/// A torn or edited file fails the checksum and is reported, never silently replaced by a fresh
/// start (which would re-send or skip months of audit data).
public enum CheckpointCodec {
    public static let format = "compliance-forwarder/checkpoint"
    public static let version = 1

    public static func encode(_ state: CheckpointState) -> [UInt8] {
        var payload = JSONWriter(capacity: 256 + (state.delivered.count + state.sinkProgress.count) * 64)
        payload.writeRaw("{")
        payload.writeKey("start")
        payload.writeString(state.start.wireText)
        if let cursor = state.cursor {
            payload.writeRaw(",")
            payload.writeKey("cursor")
            payload.writeString(cursor)
        }
        if let cursorCreatedAt = state.cursorCreatedAt {
            payload.writeRaw(",")
            payload.writeKey("cursor_created_at")
            payload.writeString(cursorCreatedAt.wireText)
        }
        if let updatedAt = state.updatedAt {
            payload.writeRaw(",")
            payload.writeKey("updated_at")
            payload.writeString(updatedAt.wireText)
        }
        payload.writeRaw(",")
        payload.writeKey("delivered")
        writeEntries(state.delivered, to: &payload)
        if !state.sinkProgress.isEmpty {
            payload.writeRaw(",")
            payload.writeKey("sinks")
            payload.writeRaw("{")
            for (offset, sink) in state.sinkProgress.acknowledged.keys.sorted().enumerated() {
                if offset > 0 { payload.writeRaw(",") }
                payload.writeKey(sink)
                writeEntries(state.sinkProgress.ids(of: sink), to: &payload)
            }
            payload.writeRaw("}")
        }
        payload.writeRaw("}")

        var file = JSONWriter(capacity: payload.bytes.count + 128)
        file.writeRaw("{")
        file.writeKey("format")
        file.writeString(format)
        file.writeRaw(",")
        file.writeKey("version")
        file.writeInteger(version)
        file.writeRaw(",")
        file.writeKey("crc32")
        file.writeString(hex(CRC32.checksum(payload.bytes)))
        file.writeRaw(",")
        file.writeKey("bytes")
        file.writeInteger(payload.bytes.count)
        file.writeRaw("}\n")
        file.writeRaw(payload.bytes)
        file.writeRaw("\n")
        return file.bytes
    }

    /// Decodes a checkpoint file, or says precisely why it cannot be trusted.
    public static func decode(_ bytes: [UInt8]) throws(CheckpointCorruption) -> CheckpointState {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            throw CheckpointCorruption(reason: "no header line")
        }
        let headerBytes = Array(bytes[..<newline])
        var payload = Array(bytes[(newline + 1)...])
        if payload.last == UInt8(ascii: "\n") { payload.removeLast() }
        guard let header = try? JSONParser.parse(headerBytes).objectValue else {
            throw CheckpointCorruption(reason: "the header line is not a JSON object")
        }
        guard header.string("format") == format else {
            throw CheckpointCorruption(
                reason: "not a compliance-forwarder checkpoint (format \(header.string("format") ?? "missing"))"
            )
        }
        guard let version = header["version"]?.int64Value else {
            throw CheckpointCorruption(reason: "the header has no version")
        }
        guard version == Int64(Self.version) else {
            throw CheckpointCorruption(
                reason: "version \(version) is not supported by this release (expected \(Self.version))"
            )
        }
        guard let expectedCRC = header.string("crc32"), let expectedBytes = header["bytes"]?.int64Value else {
            throw CheckpointCorruption(reason: "the header has no checksum")
        }
        guard expectedBytes == Int64(payload.count) else {
            throw CheckpointCorruption(
                reason: "the payload is \(payload.count) bytes, the header says \(expectedBytes) (torn write?)"
            )
        }
        guard hex(CRC32.checksum(payload)) == expectedCRC else {
            throw CheckpointCorruption(reason: "checksum mismatch (the file was modified or damaged)")
        }
        guard let object = try? JSONParser.parse(payload).objectValue else {
            throw CheckpointCorruption(reason: "the payload is not a JSON object")
        }
        guard let start = object.string("start").flatMap({ RFC3339Timestamp($0) }) else {
            throw CheckpointCorruption(reason: "the payload has no valid start")
        }
        var state = CheckpointState(start: start)
        state.cursor = object.string("cursor")
        state.cursorCreatedAt = object.string("cursor_created_at").flatMap { RFC3339Timestamp($0) }
        state.updatedAt = object.string("updated_at").flatMap { RFC3339Timestamp($0) }
        state.delivered = try entries(object["delivered"], what: "a delivered entry")
        if let sinks = object["sinks"] {
            guard let sinks = sinks.objectValue else {
                throw CheckpointCorruption(reason: "the per-sink progress (sinks) is not an object")
            }
            var progress: [String: [String: RFC3339Timestamp]] = [:]
            for member in sinks.members {
                progress[member.key] = try entries(member.value, what: "an entry of sink \(member.key)")
            }
            state.sinkProgress = SinkProgress(progress)
        }
        return state
    }

    /// `[[id, created_at], …]`, oldest first (stable bytes for equal states).
    private static func writeEntries(_ entries: [String: RFC3339Timestamp], to writer: inout JSONWriter) {
        writer.writeRaw("[")
        for (offset, entry) in entries.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }).enumerated() {
            if offset > 0 { writer.writeRaw(",") }
            writer.writeRaw("[")
            writer.writeString(entry.key)
            writer.writeRaw(",")
            writer.writeString(entry.value.wireText)
            writer.writeRaw("]")
        }
        writer.writeRaw("]")
    }

    private static func entries(
        _ value: JSONValue?,
        what: String
    ) throws(CheckpointCorruption) -> [String: RFC3339Timestamp] {
        var entries: [String: RFC3339Timestamp] = [:]
        for entry in value?.arrayValue ?? [] {
            guard let pair = entry.arrayValue, pair.count == 2, let id = pair[0].stringValue,
                let time = pair[1].stringValue.flatMap({ RFC3339Timestamp($0) })
            else {
                throw CheckpointCorruption(reason: "\(what) is malformed")
            }
            entries[id] = time
        }
        return entries
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// Why a checkpoint file cannot be used.
public struct CheckpointCorruption: Error, Sendable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// CRC-32 (IEEE 802.3, as gzip and zlib use it).
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
