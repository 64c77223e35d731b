extension ForwarderConfiguration {
    /// `type: file`: gzip-compressed, rotating NDJSON/CEF archive files.
    public struct FileSink: Sendable, Hashable {
        /// `directory`: where segments are written (absolute once loaded); created if missing.
        public var directory: String
        /// `prefix`: the start of every file name (`activities-20261128T101500Z-000042.ndjson.gz`).
        public var prefix: String
        /// `rotate`: when the active segment is closed.
        public var rotate: Rotate
        /// `retention`: which closed segments are deleted.
        public var retention: Retention
        /// `file_mode`: permission bits of created files, written as an octal string (`"0640"`).
        public var fileMode: Int
        /// `compression_level`: gzip level 1 (fastest) … 9 (smallest).
        public var compressionLevel: Int
        /// `signing_key_file`: the Ed25519 private key (from `archive keygen`) that signs segment
        /// manifests; `nil` writes unsigned manifests (and `archive verify` warns).
        public var signingKeyFile: String?
        /// `previous_signing_key_file`: the key that signed the chain so far, when
        /// `signing_key_file` names a new one; it co-signs the key hand-over (docs/archive.md).
        public var previousSigningKeyFile: String?

        /// - Parameters:
        ///   - directory: Required.
        ///   - prefix: Defaults to `activities`.
        ///   - rotate: Defaults to 64 MiB or 1 h, whichever comes first.
        ///   - retention: Defaults to keeping everything.
        ///   - fileMode: Defaults to `0o640`: audit data is not world-readable.
        ///   - compressionLevel: Defaults to 6, gzip's own default.
        ///   - signingKeyFile: Defaults to none (unsigned manifests).
        ///   - previousSigningKeyFile: Defaults to none (a hand-over is signed by the new key only).
        public init(
            directory: String,
            prefix: String = "activities",
            rotate: Rotate = Rotate(),
            retention: Retention = Retention(),
            fileMode: Int = 0o640,
            compressionLevel: Int = 6,
            signingKeyFile: String? = nil,
            previousSigningKeyFile: String? = nil
        ) {
            self.directory = directory
            self.prefix = prefix
            self.rotate = rotate
            self.retention = retention
            self.fileMode = fileMode
            self.compressionLevel = compressionLevel
            self.signingKeyFile = signingKeyFile
            self.previousSigningKeyFile = previousSigningKeyFile
        }

        /// `rotate`: a segment is closed when either limit is reached.
        public struct Rotate: Sendable, Hashable {
            /// `max_bytes`: compressed bytes written to the segment.
            public var maximumBytes: Int
            /// `max_age`: time since the segment was opened.
            public var maximumAge: Duration

            /// - Parameters:
            ///   - maximumBytes: Defaults to 64 MiB.
            ///   - maximumAge: Defaults to 1 h.
            public init(maximumBytes: Int = 64 << 20, maximumAge: Duration = .seconds(3600)) {
                self.maximumBytes = maximumBytes
                self.maximumAge = maximumAge
            }
        }

        /// `retention`: closed segments beyond either limit are deleted, oldest first.
        public struct Retention: Sendable, Hashable {
            /// `max_files`: keep at most this many closed segments; `nil` for no limit.
            public var maximumFiles: Int?
            /// `max_age`: delete segments closed longer ago than this; `nil` for no limit.
            public var maximumAge: Duration?

            /// - Parameters:
            ///   - maximumFiles: Defaults to no limit.
            ///   - maximumAge: Defaults to no limit.
            public init(maximumFiles: Int? = nil, maximumAge: Duration? = nil) {
                self.maximumFiles = maximumFiles
                self.maximumAge = maximumAge
            }
        }
    }
}
