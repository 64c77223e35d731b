#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file operations durability needs, with errors that name the path.
///
/// Foundation's file APIs neither `fsync` a directory nor refuse to rename over an existing file,
/// and those two are what make a crash at any instant safe.
enum PosixFile {
    /// Opens (creating with `mode` if needed) and returns the descriptor.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o640) throws(FileError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw error("open", path) }
        return fd
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw error("write", path)
            }
            written += result
        }
    }

    /// Replaces `path` with `bytes`: temp → fsync → rename → fsync `directory`, so after a crash
    /// the file is whole (old or new) or absent, never torn.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t, directory: String) throws(FileError) {
        let temporary = path + ".tmp"
        let fd = try open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        do {
            try writeAll(fd, bytes, path: temporary)
            try sync(fd, path: temporary)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try rename(temporary, path)
        try syncDirectory(directory)
    }

    /// Flushes the file's data and metadata to stable storage.
    static func sync(_ fd: Int32, path: String) throws(FileError) {
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// Makes a rename or unlink in `directory` durable.
    static func syncDirectory(_ directory: String) throws(FileError) {
        let fd = try open(directory, flags: O_RDONLY | O_DIRECTORY)
        defer { Glibc.close(fd) }
        try sync(fd, path: directory)
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Renames `source` to `destination` only if `destination` does not exist: a final archive
    /// file is never overwritten. `link` + `unlink` is atomic on every POSIX file system.
    static func renameNoReplace(_ source: String, _ destination: String) throws(FileError) {
        guard link(source, destination) == 0 else { throw error("link", destination) }
        guard unlink(source) == 0 else { throw error("unlink", source) }
    }

    /// Replaces `destination` with `source` atomically (for the checkpoint).
    static func rename(_ source: String, _ destination: String) throws(FileError) {
        guard Glibc.rename(source, destination) == 0 else { throw error("rename", destination) }
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws(FileError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw error("ftruncate", path) }
    }

    static func setMode(_ fd: Int32, _ mode: mode_t, path: String) throws(FileError) {
        guard fchmod(fd, mode) == 0 else { throw error("fchmod", path) }
    }

    static func remove(_ path: String) throws(FileError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw error("unlink", path) }
    }

    /// The whole file, or `nil` when it does not exist.
    static func read(_ path: String) throws(FileError) -> [UInt8]? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw error("open", path)
        }
        defer { Glibc.close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error("read", path)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// Creates `path` and its parents (mode 0750) if missing.
    static func makeDirectories(_ path: String) throws(FileError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o750) != 0, errno != EEXIST {
                throw error("mkdir", current)
            }
        }
    }

    /// The names in `directory`.
    static func list(_ directory: String) throws(FileError) -> [String] {
        guard let handle = opendir(directory) else { throw error("opendir", directory) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Size and modification time (seconds since the epoch), or `nil` when missing.
    static func status(_ path: String) -> (size: Int, modified: Int64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int(info.st_size), Int64(info.st_mtim.tv_sec))
    }

    /// Whether `path` is a directory (following links).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & S_IFMT == S_IFDIR
    }

    private static func error(_ operation: String, _ path: String) -> FileError {
        let code = errno
        let reason = String(cString: strerror(code))
        return FileError(code: .io, message: "\(operation) failed: \(reason) (errno \(code))", path: path)
    }
}
