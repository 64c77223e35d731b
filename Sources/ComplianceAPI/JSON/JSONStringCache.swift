#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The strings a ``JSONParser`` has recently made, so that a value seen again returns the same
/// `String` instead of a new one.
///
/// A page repeats most of its longer values: the organisation's id and UUID, activity types, actor
/// types, user agents, IP addresses, user ids. Each new `String` longer than 15 bytes is a heap
/// allocation, a copy, a validation pass and later a free; a hit here is a hash of two words and a
/// `memcmp`. It is a direct-mapped table: a collision replaces the older entry, so it never grows.
final class JSONStringCache {
    /// Strings up to 15 bytes are stored inline and cost no allocation; very long ones rarely repeat.
    private static let cachedLengths = 16...256
    private static let slotBits = 8

    /// Empty strings mark free slots. Raw storage rather than an `Array` property: every access to a
    /// class's stored array is checked for exclusivity at run time, which cost more than a hit saved.
    private let slots: UnsafeMutablePointer<String>

    init() {
        slots = .allocate(capacity: 1 << Self.slotBits)
        slots.initialize(repeating: "", count: 1 << Self.slotBits)
    }

    deinit {
        slots.deinitialize(count: 1 << Self.slotBits)
        slots.deallocate()
    }

    /// The cached string equal to `bytes`, or a new one (cached when its length is in
    /// ``cachedLengths``).
    @inline(__always)
    func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard Self.cachedLengths.contains(bytes.count), let base = bytes.baseAddress else {
            return String(decoding: bytes, as: UTF8.self)
        }
        let slot = slots + Self.slot(base, count: bytes.count)
        let equal =
            slot.pointee.utf8.withContiguousStorageIfAvailable { stored in
                guard let storedBase = stored.baseAddress, stored.count == bytes.count else { return false }
                return memcmp(storedBase, base, bytes.count) == 0
            } ?? false
        if equal { return slot.pointee }
        let string = String(decoding: bytes, as: UTF8.self)
        slot.pointee = string
        return string
    }

    /// Mixes the first and last eight bytes (which differ between ids) with the length.
    @inline(__always)
    private static func slot(_ base: UnsafePointer<UInt8>, count: Int) -> Int {
        let raw = UnsafeRawPointer(base)
        let head = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        let mixed = (head ^ tail.rotated(by: 29) ^ UInt64(truncatingIfNeeded: count)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - slotBits))
    }
}

extension UInt64 {
    fileprivate func rotated(by bits: UInt64) -> UInt64 {
        (self << bits) | (self >> (64 - bits))
    }
}
