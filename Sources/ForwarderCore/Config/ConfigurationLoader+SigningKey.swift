import Foundation

extension ConfigurationLoader {
    /// `signing_key_file` (or `previous_signing_key_file`): must exist, hold a key in the
    /// `archive keygen` format, and be readable by its owner only. Messages never include the key.
    static func readSigningKeyFile(
        _ sink: ConfigurationMapping,
        archiveDirectory: String?,
        keyName: String = "signing_key_file"
    ) -> String? {
        guard let path = sink.existingFile(keyName) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            sink.error(keyName, "cannot read \(path)")
            return nil
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), raw.count == 32 else {
            sink.error(
                keyName,
                "\(path) is not an archive signing key (32 bytes in base64 on one line, as `archive keygen` writes)"
            )
            return nil
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? NSNumber, permissions.intValue & 0o077 != 0
        {
            sink.error(
                keyName,
                "\(path) is readable by others (mode \(String(permissions.intValue & 0o777, radix: 8))): "
                    + "chmod 600 it, whoever reads it can forge the archive's manifests"
            )
            return nil
        }
        if let archiveDirectory, path.hasPrefix(archiveDirectory + "/") {
            sink.warning(
                keyName,
                "lies inside the archive directory: keep the key apart from what it signs (docs/archive.md)"
            )
        }
        return path
    }
}
