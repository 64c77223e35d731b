/// Routes the sinks' acknowledgements to the checkpointer of the source a batch came from, when
/// several sources share the sinks.
///
/// Each source numbers its batches from `index << sequenceShift`, so the batch sequence itself
/// says which source it belongs to, and every source's checkpointer still sees consecutive
/// sequences.
struct SourceAcknowledgements: Acknowledger {
    /// 2^48 batches per source before numbers could collide: at one page a millisecond, 8,900 years.
    static let sequenceShift: UInt64 = 48

    let checkpointers: [Checkpointer]

    func acknowledge(sink: Int, batch: UInt64, events: some Sequence<Int>) {
        let index = Int(batch >> Self.sequenceShift)
        guard checkpointers.indices.contains(index) else { return }
        checkpointers[index].acknowledge(sink: sink, batch: batch, events: events)
    }
}
