extension ForwarderConfiguration {
    /// `type: s3`: gzip segments spooled locally and uploaded as objects to AWS S3 or an
    /// S3-compatible store, optionally under Object Lock (docs/s3.md).
    public struct S3Sink: Sendable, Hashable {
        /// `bucket`: the bucket's name (3–63 lower-case letters, digits, `.` and `-`).
        public var bucket: String
        /// `region`: the region requests are signed for (`us-east-1`, `eu-central-1`, …).
        public var region: String
        /// `endpoint`: an `http(s)://host[:port]` for S3-compatible stores; `nil` for AWS
        /// (`https://s3.<region>.amazonaws.com`).
        public var endpoint: String?
        /// `path_style`: address the bucket as `endpoint/bucket/key` instead of
        /// `bucket.endpoint/key` (MinIO, Ceph and most local stores need it).
        public var pathStyle: Bool
        /// `prefix`: the start of every object key, with date placeholders (``KeyPrefix``).
        public var prefix: KeyPrefix
        /// `rotate`: when the spooled segment is sealed and uploaded.
        public var rotate: FileSink.Rotate
        /// `storage_class`: `x-amz-storage-class` (`STANDARD_IA`, `GLACIER_IR`, …); `nil` for the
        /// bucket's default.
        public var storageClass: String?
        /// `sse`: server-side encryption requested per object; `nil` for the bucket's default.
        public var serverSideEncryption: ServerSideEncryption?
        /// `kms_key_id`: the KMS key for `sse: aws:kms`; `nil` for the account's S3 key.
        public var kmsKeyID: String?
        /// `object_lock`: the retention every object (and its manifest) is written with.
        public var objectLock: ObjectLock?
        /// `spool_directory`: where segments wait until the store confirms them (absolute).
        public var spoolDirectory: String
        /// `spool_max_bytes`: sealed segments waiting for upload beyond this stop the sink
        /// taking input (back-pressure; nothing is dropped).
        public var spoolMaximumBytes: Int
        /// `signing_key_file`: signs the manifests uploaded beside each object.
        public var signingKeyFile: String?

        /// - Parameters:
        ///   - bucket: Required.
        ///   - region: Required.
        ///   - spoolDirectory: Required.
        ///   - prefix: Defaults to ``KeyPrefix/standard``.
        ///   - rotate: Defaults to 64 MiB or 5 min, whichever comes first.
        ///   - spoolMaximumBytes: Defaults to 1 GiB.
        public init(
            bucket: String,
            region: String,
            spoolDirectory: String,
            endpoint: String? = nil,
            pathStyle: Bool = false,
            prefix: KeyPrefix = .standard,
            rotate: FileSink.Rotate = FileSink.Rotate(maximumBytes: 64 << 20, maximumAge: .seconds(300)),
            storageClass: String? = nil,
            serverSideEncryption: ServerSideEncryption? = nil,
            kmsKeyID: String? = nil,
            objectLock: ObjectLock? = nil,
            spoolMaximumBytes: Int = 1 << 30,
            signingKeyFile: String? = nil
        ) {
            self.bucket = bucket
            self.region = region
            self.spoolDirectory = spoolDirectory
            self.endpoint = endpoint
            self.pathStyle = pathStyle
            self.prefix = prefix
            self.rotate = rotate
            self.storageClass = storageClass
            self.serverSideEncryption = serverSideEncryption
            self.kmsKeyID = kmsKeyID
            self.objectLock = objectLock
            self.spoolMaximumBytes = spoolMaximumBytes
            self.signingKeyFile = signingKeyFile
        }

        /// `sse`: `aes256` (S3-managed keys) or `aws:kms`.
        public typealias ServerSideEncryption = Choice<ServerSideEncryptionSpellings>
        public enum ServerSideEncryptionSpellings: ChoiceSpellings {
            public static let allCases: [ServerSideEncryption] = [.aes256, .kms]
        }

        /// `object_lock`: `{ mode: compliance | governance, retain: 2555d }`.
        public struct ObjectLock: Sendable, Hashable {
            /// `mode`: `compliance` (nobody can shorten or remove it, root included) or
            /// `governance` (users with `s3:BypassGovernanceRetention` can).
            public var mode: Mode
            /// `retain`: how long after upload each object stays locked.
            public var retain: Duration

            public init(mode: Mode, retain: Duration) {
                self.mode = mode
                self.retain = retain
            }

            /// `object_lock.mode`.
            public typealias Mode = Choice<ModeSpellings>
            public enum ModeSpellings: ChoiceSpellings {
                public static let allCases: [Mode] = [.compliance, .governance]
            }
        }

        /// The storage classes `storage_class` accepts (S3's spellings).
        public static let storageClasses = [
            "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE",
            "REDUCED_REDUNDANCY", "EXPRESS_ONEZONE",
        ]
    }
}

extension ForwarderConfiguration.S3Sink.ServerSideEncryption {
    /// `x-amz-server-side-encryption: AES256`.
    public static var aes256: Self { Self("aes256") }
    /// `x-amz-server-side-encryption: aws:kms`.
    public static var kms: Self { Self("aws:kms") }
}

extension ForwarderConfiguration.S3Sink.ObjectLock.Mode {
    /// `COMPLIANCE`: nobody can shorten the retention or delete the object version.
    public static var compliance: Self { Self("compliance") }
    /// `GOVERNANCE`: users with the bypass permission can.
    public static var governance: Self { Self("governance") }
}
