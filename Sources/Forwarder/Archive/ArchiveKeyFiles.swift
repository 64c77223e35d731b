#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signing key files `archive keygen` writes and `archive verify --public-key` reads.
public enum ArchiveKeyFiles {
    /// What ``generate(in:)`` wrote.
    public struct Generated: Sendable {
        public var privateKeyPath: String
        public var publicKeyPath: String
        /// `SHA256:<hex>` of the public key: what to record out of band.
        public var fingerprint: String
    }

    public static let privateKeyName = "archive-signing.key"
    public static let publicKeyName = "archive-signing.pub"

    /// Writes a new key pair into `directory` (created if missing): the private key with mode
    /// 0600, the public key with 0644. Never replaces an existing key file.
    public static func generate(in directory: String) throws(FileError) -> Generated {
        try PosixFile.makeDirectories(directory)
        let key = ArchiveSigningKey.generate()
        let privatePath = directory + "/" + privateKeyName
        let publicPath = directory + "/" + publicKeyName
        for path in [privatePath, publicPath] where PosixFile.status(path) != nil {
            throw FileError(code: .signingKey, message: "already exists; move it away to make a new key", path: path)
        }
        try write(Array(key.privateKeyFileText.utf8), to: privatePath, mode: 0o600)
        try write(Array((key.publicKeyBase64 + "\n").utf8), to: publicPath, mode: 0o644)
        try PosixFile.syncDirectory(directory)
        return Generated(
            privateKeyPath: privatePath,
            publicKeyPath: publicPath,
            fingerprint: ArchiveSigningKey.fingerprint(publicKeyBase64: key.publicKeyBase64)
        )
    }

    /// The base64 public key in a public key file, checked to be an Ed25519 key.
    public static func loadPublicKey(path: String) throws(FileError) -> String {
        do {
            return try ArchiveSigningKey.loadPublicKey(path: path)
        } catch {
            throw FileError(code: error.isUnreadable ? .io : .signingKey, message: error.reason, path: path)
        }
    }

    /// The keys in `paths`: each a public key file, or a directory whose `*.pub` files are all
    /// read (an error when it holds none).
    public static func loadPublicKeys(paths: [String]) throws(FileError) -> [String] {
        var keys: [String] = []
        for path in paths {
            guard PosixFile.isDirectory(path) else {
                keys.append(try loadPublicKey(path: path))
                continue
            }
            let files = try PosixFile.list(path).filter { $0.hasSuffix(".pub") }.sorted()
            guard !files.isEmpty else {
                throw FileError(code: .signingKey, message: "holds no public key file (*.pub)", path: path)
            }
            for file in files { keys.append(try loadPublicKey(path: path + "/" + file)) }
        }
        return keys
    }

    /// Checks that a private key file holds an Ed25519 key (for configuration checks); the
    /// error names the file, never its content.
    public static func checkPrivateKey(path: String) throws(FileError) {
        do {
            _ = try ArchiveSigningKey.load(path: path)
        } catch {
            throw FileError(code: error.isUnreadable ? .io : .signingKey, message: error.reason, path: path)
        }
    }

    private static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FileError) {
        let fd = try PosixFile.open(path, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        defer { PosixFile.close(fd) }
        try PosixFile.setMode(fd, mode, path: path)
        try PosixFile.writeAll(fd, bytes, path: path)
        try PosixFile.sync(fd, path: path)
    }
}
