import Foundation

extension ConfigurationMapping {
    /// What characters a secret may contain once read.
    enum SecretRule {
        /// API keys and tokens: no whitespace or control characters (they go into headers as is).
        case token
        /// Header values and passwords: no control characters, so no header injection via CR/LF.
        case text
        /// Any bytes (HMAC keys).
        case any
    }

    /// A path, resolved against the configuration file's directory when relative.
    func path(_ key: String) -> String? {
        string(key).map { PathResolver.resolve($0, against: context.baseDirectory) }
    }

    /// The path of a file that must exist and be readable now (CA bundles, certificates, keys):
    /// better to fail at `validate` than at the first TLS handshake at 3 a.m.
    func existingFile(_ key: String) -> String? {
        guard let path = path(key) else { return nil }
        if let message = Self.fileProblem(path) {
            error(key, message)
            return nil
        }
        return path
    }

    static func fileProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "file not found: \(path)"
        }
        if isDirectory.boolValue { return "is a directory, expected a file: \(path)" }
        if !FileManager.default.isReadableFile(atPath: path) { return "file is not readable: \(path)" }
        return nil
    }

    /// Whether `path` exists and is a directory.
    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// A directory the forwarder will create if missing; reported when something that is not a
    /// directory is in the way.
    func directory(_ key: String) -> String? {
        guard let path = path(key) else { return nil }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            error(key, "exists but is not a directory: \(path)")
        }
        return path
    }

    /// A secret given inline (`key`, usually `${ENV}`) or in a file (`fileKey`), exactly one.
    /// Messages never include the value.
    ///
    /// - Returns: `nil` when absent (reported when `required`) or invalid (reported).
    func secret(_ key: String, fileKey: String, required: Bool, rule: SecretRule) -> String? {
        let inline = has(key)
        let fromFile = has(fileKey)
        if inline && fromFile {
            error(fileKey, "\(key) and \(fileKey) are mutually exclusive: set one")
            return nil
        }
        let value: String
        let origin: String
        if inline {
            guard let scalar = scalar(key) else { return nil }
            value = scalar.text
            origin = key
            if !scalar.substituted {
                // A file with a literal secret cannot be shared, versioned or shown in a ticket.
                warning(key, "the secret is written in the file itself; prefer ${VARIABLE} or \(fileKey)")
            }
        } else if fromFile {
            guard let path = path(fileKey) else { return nil }
            guard let contents = readSecretFile(path, key: fileKey) else { return nil }
            value = contents
            origin = fileKey
        } else {
            if required { missing(key, "set \(key) (e.g. \(key): ${VARIABLE}) or \(fileKey)") }
            return nil
        }
        let path = origin == key ? key : fileKey
        if value.isEmpty {
            error(path, fromFile ? "the file is empty" : "must not be empty")
            return nil
        }
        switch rule {
        case .token where value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }):
            error(path, "must not contain spaces, line breaks or control characters")
            return nil
        case .text where value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }):
            error(path, "must not contain line breaks or control characters")
            return nil
        default:
            return value
        }
    }

    /// The file's text without trailing line breaks (`echo key > file` adds one).
    private func readSecretFile(_ path: String, key: String) -> String? {
        if let message = Self.fileProblem(path) {
            error(key, message)
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            error(key, "file is not readable: \(path)")
            return nil
        }
        guard var text = String(data: data, encoding: .utf8) else {
            error(key, "file is not UTF-8 text: \(path)")
            return nil
        }
        while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" {
            text.removeLast()
        }
        return text
    }
}
