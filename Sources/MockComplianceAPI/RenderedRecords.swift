/// Every record's JSON, rendered once and kept, in record order: with it, serving a page is a copy.
///
/// Records never change after they are appended (late ones only become visible later), so a
/// record's text is fixed the moment it exists. About 0.7 KB per record.
struct RenderedRecords: Sendable {
    private var bytes: [UInt8] = []
    /// `ends[i]` is where record `i`'s text ends in ``bytes``.
    private var ends: [Int] = []

    /// How many records are rendered (always the first ones).
    var count: Int { ends.count }

    /// Adds the text of the next record.
    mutating func append(_ render: (inout [UInt8]) -> Void) {
        render(&bytes)
        ends.append(bytes.count)
    }

    /// Appends record `index`'s text to `output`.
    func write(_ index: Int, into output: inout [UInt8]) {
        let start = index == 0 ? 0 : ends[index - 1]
        output.append(contentsOf: bytes[start..<ends[index]])
    }
}
