/// Path arithmetic for configuration values, on `/`-separated POSIX paths.
///
/// Kept string-based and free of I/O so resolution is predictable and testable: a relative path
/// in the file means "relative to the file's directory", never to the working directory.
enum PathResolver {
    /// `path` if absolute, else `path` under `base`; `.` and `..` components are folded.
    static func resolve(_ path: String, against base: String) -> String {
        let expanded = path.hasPrefix("/") ? path : join(base, path)
        return normalize(expanded)
    }

    /// `a/b` from `a` and `b`.
    static func join(_ base: String, _ component: String) -> String {
        if base.isEmpty { return component }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }

    /// The directory containing `path` (`/` for a top-level entry, `.` for a bare name).
    static func parent(of path: String) -> String {
        let normalized = normalize(path)
        guard let slash = normalized.lastIndex(of: "/") else { return "." }
        if slash == normalized.startIndex { return "/" }
        return String(normalized[..<slash])
    }

    /// Folds `.`, `..` and repeated slashes.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(part)
                }
            default:
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
