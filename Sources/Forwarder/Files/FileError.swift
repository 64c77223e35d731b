import ComplianceAPI

/// A failure of the file archive, the dead-letter files or the checkpoint store.
public typealias FileError = ForwarderError<FileFailure>

/// What a ``FileError`` knows besides its code and message.
public struct FileFailure: ErrorDomain {
    /// The path concerned, when there is one.
    public var path: String?

    /// I/O errors can clear up (a full disk gets space); corruption does not.
    public static func isRetryable(_ error: FileError) -> Bool { error.code == .io }

    public static func describe(_ error: FileError) -> String {
        (error.path.map { "\($0): " } ?? "") + error.message
    }
}

extension FileError.Code {
    public static var io: Self { Self("io") }
    public static var compression: Self { Self("compression") }
    public static var corruptCheckpoint: Self { Self("corrupt_checkpoint") }
    /// The archive signing key cannot be read or is not a key.
    public static var signingKey: Self { Self("signing_key") }
}

extension FileError {
    public init(code: Code, message: String, path: String? = nil) {
        self.init(code: code, message: message, context: FileFailure(path: path))
    }
}
