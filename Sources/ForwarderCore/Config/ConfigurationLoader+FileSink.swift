extension ConfigurationLoader {
    static func readFileSink(_ sink: ConfigurationMapping) -> ForwarderConfiguration.FileSink? {
        let defaults = ForwarderConfiguration.FileSink(directory: "")
        let directory = sink.directory("directory")
        if !sink.has("directory") { sink.missing("directory", "where archive files are written") }

        let prefix = sink.string("prefix", default: defaults.prefix)
        if !prefix.unicodeScalars.allSatisfy({
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
        }) {
            sink.error("prefix", "may contain only letters, digits, '_', '.' and '-'")
        }

        var rotate = defaults.rotate
        if let mapping = sink.mapping("rotate", allowedKeys: ["max_bytes", "max_age"]) {
            rotate.maximumBytes = mapping.size("max_bytes", default: rotate.maximumBytes, minimum: 1 << 10)
            rotate.maximumAge = mapping.duration("max_age", default: rotate.maximumAge, minimum: .seconds(1))
        }

        var retention = defaults.retention
        if let mapping = sink.mapping("retention", allowedKeys: ["max_files", "max_age"]) {
            retention.maximumFiles = mapping.int("max_files", range: 1...Int.max)
            retention.maximumAge = mapping.duration("max_age", positive: true)
            if let maximumAge = retention.maximumAge, maximumAge < rotate.maximumAge {
                mapping.warning(
                    "max_age",
                    "shorter than rotate.max_age (\(ConfigurationSyntax.format(rotate.maximumAge))): "
                        + "segments are deleted soon after they are closed"
                )
            }
        }

        let fileMode = readFileMode(sink) ?? defaults.fileMode
        let compressionLevel = sink.int("compression_level", default: defaults.compressionLevel, range: 1...9)
        let signingKeyFile = readSigningKeyFile(sink, archiveDirectory: directory)
        let previousSigningKeyFile = readSigningKeyFile(
            sink,
            archiveDirectory: directory,
            keyName: "previous_signing_key_file"
        )
        if sink.has("previous_signing_key_file"), !sink.has("signing_key_file") {
            sink.missing("signing_key_file", "previous_signing_key_file co-signs a hand-over to signing_key_file")
        }

        guard let directory else { return nil }
        return ForwarderConfiguration.FileSink(
            directory: directory,
            prefix: prefix,
            rotate: rotate,
            retention: retention,
            fileMode: fileMode,
            compressionLevel: compressionLevel,
            signingKeyFile: signingKeyFile,
            previousSigningKeyFile: previousSigningKeyFile
        )
    }

    /// `"0640"`, `"640"` or `"0o640"`. Read from the text, so an unquoted `0640` (an octal
    /// number in YAML 1.1, a decimal one in 1.2) means what it looks like.
    private static func readFileMode(_ sink: ConfigurationMapping) -> Int? {
        guard let value = sink.scalar("file_mode") else { return nil }
        var digits = Substring(value.text)
        if digits.hasPrefix("0o") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count <= 4, let mode = Int(digits, radix: 8), mode <= 0o777 else {
            sink.error("file_mode", "expected octal permission bits such as \"0640\", got \(value.quoted)")
            return nil
        }
        if mode & 0o002 != 0 {
            sink.error("file_mode", "must not be world-writable (\(value.text)): the archive is audit evidence")
            return nil
        }
        if mode & 0o600 != 0o600 {
            sink.error("file_mode", "the owner needs read and write permission (\(value.text))")
            return nil
        }
        if mode & 0o004 != 0 {
            sink.warning("file_mode", "files will be world-readable (\(value.text)); audit data usually is not")
        }
        return mode
    }
}
