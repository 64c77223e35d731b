/// Which batches went into which spool segment: the acknowledgements each upload releases.
///
/// The writer tells it of every append (after the append, so a rotation inside the append seals
/// only the batches before) and of every seal (``GzipSegmentWriter``'s `onSeal`). Owned by the
/// writer task; not thread-safe.
final class SealTracker {
    typealias Acknowledgement = (batch: UInt64, events: [Int])

    private var current: [Acknowledgement] = []
    private var sealedSegments: [(name: String, acknowledgements: [Acknowledgement])] = []

    /// A batch is durable in the active segment.
    func appended(batch: UInt64, events: [Int]) {
        current.append((batch, events))
    }

    /// The active segment was sealed under the name `segment`.
    func sealed(_ segment: String) {
        sealedSegments.append((segment, current))
        current.removeAll()
    }

    /// The segments sealed since the last call, oldest first.
    func takeSealed() -> [(name: String, acknowledgements: [Acknowledgement])] {
        defer { sealedSegments.removeAll() }
        return sealedSegments
    }
}
