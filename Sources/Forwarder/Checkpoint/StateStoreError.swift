/// A failure of the PostgreSQL state backend (the file backend reports ``FileError``).
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The database could not be reached or a statement failed.
        public static let unavailable = Code("unavailable")
        /// The stored checkpoint fails its integrity check.
        public static let corruptCheckpoint = Code("corrupt_checkpoint")
        /// A fenced commit found that this replica's epoch no longer holds the lease: it must
        /// stop delivering (another replica has taken over, or is about to).
        public static let leaseLost = Code("lease_lost")
        /// The schema is newer than this version understands, or a setting is unusable.
        public static let incompatible = Code("incompatible")

        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// An unreachable database comes back; corruption and incompatibility do not.
    public var isRetryable: Bool { code == .unavailable }

    public var description: String { "state backend (\(code)): \(message)" }
}
