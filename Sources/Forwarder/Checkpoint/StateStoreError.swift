import ComplianceAPI

/// A failure of the PostgreSQL state backend (the file backend reports ``FileError``).
public typealias StateStoreError = ForwarderError<StateStoreFailure>

/// The state backend's errors carry nothing besides their code and message.
public struct StateStoreFailure: PlainErrorDomain {
    public init() {}

    /// An unreachable database comes back; corruption and incompatibility do not.
    public static func isRetryable(_ error: StateStoreError) -> Bool { error.code == .unavailable }

    public static func describe(_ error: StateStoreError) -> String {
        "state backend (\(error.code)): \(error.message)"
    }
}

extension StateStoreError.Code {
    /// The database could not be reached or a statement failed.
    public static var unavailable: Self { Self("unavailable") }
    /// The stored checkpoint fails its integrity check.
    public static var corruptCheckpoint: Self { Self("corrupt_checkpoint") }
    /// A fenced commit found that this replica's epoch no longer holds the lease: it must
    /// stop delivering (another replica has taken over, or is about to).
    public static var leaseLost: Self { Self("lease_lost") }
    /// The schema is newer than this version understands, or a setting is unusable.
    public static var incompatible: Self { Self("incompatible") }
}
