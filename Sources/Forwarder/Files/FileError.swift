/// A failure of the file archive, the dead-letter files or the checkpoint store.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        public static let io = Code("io")
        public static let compression = Code("compression")
        public static let corruptCheckpoint = Code("corrupt_checkpoint")
        /// The archive signing key cannot be read or is not a key.
        public static let signingKey = Code("signing_key")

        public var description: String { name }
    }

    public var code: Code
    public var message: String
    /// The path concerned, when there is one.
    public var path: String?

    public init(code: Code, message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// I/O errors can clear up (a full disk gets space); corruption does not.
    public var isRetryable: Bool { code == .io }

    public var description: String {
        (path.map { "\($0): " } ?? "") + message
    }
}
