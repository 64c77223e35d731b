#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether files can be created in a directory (the checkpoint's, a file sink's, for `check`
/// and `/readyz`).
public enum WritableDirectory {
    /// Why `path` is not usable for writing, or `nil` when it is. A directory that does not exist
    /// yet is fine when its nearest existing ancestor is writable (it is created on first write).
    public static func problem(_ path: String) -> String? {
        var candidate = path.isEmpty ? "." : path
        while true {
            var info = stat()
            if stat(candidate, &info) == 0 {
                guard (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) else {
                    return "\(candidate) is not a directory"
                }
                if access(candidate, W_OK | X_OK) != 0 {
                    return "directory \(candidate) is not writable: \(String(cString: strerror(errno)))"
                }
                return nil
            }
            let parent = Self.parent(of: candidate)
            if parent == candidate { return "no existing parent directory for \(path)" }
            candidate = parent
        }
    }

    /// The directory part of a path (`.` for a bare name).
    public static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
