#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mapping rows, found by the type's UTF-8 bytes through an open-addressing table with an FNV-1a
/// hash.
///
/// Every activity is looked up once or twice on its way to the sinks. The standard `Dictionary`
/// hashes a `String` with seeded SipHash through the generic `Hasher`, which showed in profiles of
/// the TLS path; type names are short ASCII, and the table is fixed, so a plain hash is enough.
struct ActivityTypeIndex: Sendable {
    private let types: [[UInt8]]
    private let mappings: [ActivityTypeMapping]
    /// Indexes into `types`/`mappings`, `-1` for an empty slot; a power of two at most half full.
    private let slots: [Int32]

    init(_ rows: [String: ActivityTypeMapping]) {
        let sorted = rows.sorted { $0.key < $1.key }
        types = sorted.map { Array($0.key.utf8) }
        mappings = sorted.map(\.value)
        var capacity = 16
        while capacity < rows.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, type) in types.enumerated() {
            var slot = Self.hash(type) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        self.slots = slots
    }

    /// The row for `type`, or `nil`.
    func mapping(for type: String) -> ActivityTypeMapping? {
        position(of: type).map { mappings[$0] }
    }

    /// Where `type`'s row is, or `nil`.
    func position(of type: String) -> Int? {
        var type = type
        return type.withUTF8 { bytes -> Int? in
            let mask = slots.count - 1
            var slot = Self.hash(bytes) & mask
            while true {
                let index = Int(slots[slot])
                if index < 0 { return nil }
                if types[index].count == bytes.count, Self.equal(types[index], bytes) { return index }
                slot = (slot + 1) & mask
            }
        }
    }

    private static func equal(_ stored: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        stored.withUnsafeBufferPointer { stored in
            guard let left = stored.baseAddress, let right = bytes.baseAddress else {
                return stored.count == bytes.count
            }
            return memcmp(left, right, bytes.count) == 0
        }
    }

    private static func hash(_ bytes: some Sequence<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
