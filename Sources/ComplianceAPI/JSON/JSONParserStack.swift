/// The members (or elements) of the containers a ``JSONParser`` is inside, innermost last.
///
/// Each finished container moves its values out into an array of exactly the right size: a growing
/// array per object reallocates several times per record, and copying out of an `Array` retains and
/// releases every string once more.
final class JSONParserStack<Element> {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// How many values are on the stack.
    private(set) var count = 0

    init(capacity: Int = 32) {
        self.capacity = max(capacity, 1)
        self.storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    @inline(__always)
    func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    /// Moves the values from `base` on into a new array and pops them.
    func popArray(from base: Int) -> [Element] {
        let moved = count - base
        guard moved > 0 else { return [] }
        let values = [Element](unsafeUninitializedCapacity: moved) { buffer, initialized in
            guard let destination = buffer.baseAddress else { return }
            destination.moveInitialize(from: storage + base, count: moved)
            initialized = moved
        }
        count = base
        return values
    }

    /// Drops the values from `base` on (after a syntax error).
    func truncate(to base: Int) {
        guard count > base else { return }
        (storage + base).deinitialize(count: count - base)
        count = base
    }

    private func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity *= 2
    }
}
