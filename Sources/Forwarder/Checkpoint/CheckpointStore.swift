import ComplianceAPI
import ForwarderCore

/// Reads and atomically writes the checkpoint file.
///
/// Writes go to a temporary file in the same directory, are `fsync`ed, renamed over the old file,
/// and the directory is `fsync`ed, so after a crash at any instant the file is either the old
/// state or the new one, never a mix.
public struct CheckpointStore: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    private var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// The stored state, `nil` when there is none yet.
    ///
    /// - Throws: ``FileError`` with code `corruptCheckpoint` and a recovery hint when the file
    ///   exists but cannot be trusted.
    public func load() throws(FileError) -> CheckpointState? {
        guard let bytes = try PosixFile.read(path) else { return nil }
        do {
            return try CheckpointCodec.decode(bytes)
        } catch {
            throw FileError(
                code: .corruptCheckpoint,
                message: "the checkpoint cannot be trusted: \(error). Nothing was changed. To recover, run "
                    + "`compliance-forwarder checkpoint reset --config <file> --since <RFC 3339 time>` with a time "
                    + "at or before the last activity you know was delivered (duplicates are safer than gaps)",
                path: path
            )
        }
    }

    /// Replaces the stored state atomically and durably.
    public func save(_ state: CheckpointState) throws(FileError) {
        try PosixFile.makeDirectories(directory)
        try PosixFile.writeAtomically(CheckpointCodec.encode(state), to: path, mode: 0o600, directory: directory)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
