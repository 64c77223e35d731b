import ForwarderCore

/// Where the committed checkpoint is kept: the file on this host (``CheckpointStore``), or a
/// PostgreSQL row written only under this replica's lease (``FencedCheckpoint``).
///
/// The pipeline sees only this protocol, so it does not know which backend it has.
public protocol CheckpointBackend: Sendable {
    /// The committed state, `nil` when none was written yet.
    func load() async throws -> CheckpointState?

    /// Makes `state` the committed one, durably.
    ///
    /// - Throws: ``StateStoreError`` with code `leaseLost` when this replica may no longer
    ///   commit: the caller must stop fetching and delivering at once.
    func commit(_ state: CheckpointState) async throws
}

extension CheckpointStore: CheckpointBackend {
    public func commit(_ state: CheckpointState) throws(FileError) {
        try save(state)
    }
}

/// A PostgreSQL checkpoint row, written only while `epoch` holds the lease.
public struct FencedCheckpoint: CheckpointBackend {
    public let store: PostgresStateStore
    public let epoch: Int64
    /// The source's name with several sources (its own row); `nil` for the pipeline's row.
    public let source: String?

    public init(store: PostgresStateStore, epoch: Int64, source: String? = nil) {
        self.store = store
        self.epoch = epoch
        self.source = source
    }

    /// The same lease, another source's row.
    public func forSource(_ name: String?) -> FencedCheckpoint {
        FencedCheckpoint(store: store, epoch: epoch, source: name)
    }

    public func load() async throws(StateStoreError) -> CheckpointState? {
        try await store.load(source: source)
    }

    public func commit(_ state: CheckpointState) async throws(StateStoreError) {
        guard try await store.commit(state, epoch: epoch, source: source) else {
            throw StateStoreError(
                .leaseLost,
                "the checkpoint was not written: epoch \(epoch) no longer holds the lease of \(store.settings.pipeline)"
            )
        }
    }
}
