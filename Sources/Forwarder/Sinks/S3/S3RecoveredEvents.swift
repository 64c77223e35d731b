import Synchronization

/// The activities in segments an earlier run left in the spool, so that their second delivery
/// is not stored twice.
///
/// An earlier run acknowledged none of them (acknowledgement waits for the store), so the source
/// reads them again from the checkpoint while this run uploads those segments to their keys.
/// Written into new segments, they would be cut differently and stored a second time under other
/// keys. Instead a redelivered activity that such a segment holds is not spooled again: its
/// acknowledgement waits until every recovered segment is in the store, and is released then.
final class S3RecoveredEvents: Sendable {
    private struct State {
        var ids: Set<String>
        var segmentsLeft: Int
        var held: [(batch: UInt64, events: [Int])] = []
    }

    private let state: Mutex<State>

    /// - Parameters:
    ///   - ids: The activity ids in the recovered segments.
    ///   - segments: How many recovered segments there are to upload.
    init(ids: Set<String>, segments: Int) {
        state = Mutex(State(ids: ids, segmentsLeft: ids.isEmpty ? 0 : segments))
    }

    /// The events of `batch` that a recovered segment already holds (each id matched once).
    func claim(_ batch: Batch) -> Set<Int> {
        state.withLock { state in
            guard !state.ids.isEmpty else { return [] }
            var claimed: Set<Int> = []
            for event in batch.events where state.ids.remove(event.activity.id) != nil {
                claimed.insert(event.index)
            }
            return claimed
        }
    }

    /// Holds the acknowledgement of claimed events until the recovered segments are stored;
    /// `true` when they already are (acknowledge now).
    func hold(batch: UInt64, events: [Int]) -> Bool {
        state.withLock { state in
            if state.segmentsLeft == 0 { return true }
            state.held.append((batch, events))
            return false
        }
    }

    /// One recovered segment is in the store; returns the held acknowledgements once the last
    /// one is.
    func segmentStored() -> [(batch: UInt64, events: [Int])] {
        state.withLock { state in
            guard state.segmentsLeft > 0 else { return [] }
            state.segmentsLeft -= 1
            guard state.segmentsLeft == 0 else { return [] }
            defer { state.held.removeAll() }
            return state.held
        }
    }
}
