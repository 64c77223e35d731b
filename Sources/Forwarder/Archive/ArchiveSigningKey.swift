@preconcurrency import Crypto
import Foundation

/// The Ed25519 key that signs segment manifests.
///
/// Files (written by `archive keygen`): the private key is the 32-byte seed in base64 on one line
/// (mode 0600); the public key is the 32-byte key in base64 on one line. The fingerprint is
/// `SHA256:` and the hex SHA-256 of the 32 public key bytes.
struct ArchiveSigningKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// A new random key.
    static func generate() -> ArchiveSigningKey {
        ArchiveSigningKey(privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Loads a private key file. Errors name the file, never its content.
    static func load(path: String) throws(ArchiveKeyError) -> ArchiveSigningKey {
        let raw = try ArchiveKeyError.decodeKeyFile(path: path, what: "signing key")
        do {
            return ArchiveSigningKey(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
        } catch {
            throw ArchiveKeyError(path: path, reason: "is not an Ed25519 private key (expected 32 bytes in base64)")
        }
    }

    /// The public key in base64, as manifests and the public key file hold it.
    var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// The private key file's content.
    var privateKeyFileText: String { privateKey.rawRepresentation.base64EncodedString() + "\n" }

    /// Signs `bytes`; the signature in base64.
    func sign(_ bytes: [UInt8]) throws -> String {
        try privateKey.signature(for: bytes).base64EncodedString()
    }

    /// The signature of an archive file's `bytes` (a manifest or retention record of `segment`).
    func signature(for bytes: [UInt8], of segment: String) throws(FileError) -> SegmentManifest.Signature {
        do {
            return .init(publicKey: publicKeyBase64, value: try sign(bytes))
        } catch {
            throw FileError(code: .signingKey, message: "signing failed: \(error)", path: segment)
        }
    }

    /// `SHA256:<hex>` of a base64 public key.
    static func fingerprint(publicKeyBase64: String) -> String {
        guard let raw = Data(base64Encoded: publicKeyBase64) else { return "SHA256:invalid" }
        return "SHA256:" + ArchiveDigest.hex(Array(raw))
    }

    /// Whether `signature` (base64) is `publicKey`'s (base64) Ed25519 signature of `bytes`.
    static func isValid(signature: String, publicKey: String, bytes: [UInt8]) -> Bool {
        guard let keyBytes = Data(base64Encoded: publicKey), let signatureBytes = Data(base64Encoded: signature),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
        else { return false }
        return key.isValidSignature(signatureBytes, for: bytes)
    }

    /// Loads a public key file: the base64 key it holds, after checking it is an Ed25519 key.
    static func loadPublicKey(path: String) throws(ArchiveKeyError) -> String {
        let raw = try ArchiveKeyError.decodeKeyFile(path: path, what: "public key")
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else {
            throw ArchiveKeyError(path: path, reason: "is not an Ed25519 public key (expected 32 bytes in base64)")
        }
        return raw.base64EncodedString()
    }
}

/// A key file that cannot be read or is not a key. Never includes the file's content.
struct ArchiveKeyError: Error, Sendable, CustomStringConvertible {
    var path: String
    var reason: String
    /// Whether the file could not be read at all (as opposed to holding something else).
    var isUnreadable = false

    var description: String { "\(path): \(reason)" }

    static func decodeKeyFile(path: String, what: String) throws(ArchiveKeyError) -> Data {
        let bytes: [UInt8]?
        do {
            bytes = try PosixFile.read(path)
        } catch {
            throw ArchiveKeyError(path: path, reason: "cannot read the \(what): \(error.message)", isUnreadable: true)
        }
        guard let bytes else {
            throw ArchiveKeyError(path: path, reason: "\(what) file does not exist", isUnreadable: true)
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), raw.count == 32 else {
            throw ArchiveKeyError(path: path, reason: "is not a \(what) file (expected 32 bytes in base64 on one line)")
        }
        return raw
    }
}
