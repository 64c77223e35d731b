import ComplianceAPI
import Testing

@testable import ForwarderCore

/// The `type: s3` keys: read, defaulted, and refused with a message that says what is wrong.
@Suite struct ConfigS3Tests {
    static func yaml(_ sink: String) -> String {
        """
        source: { api_key: sk-ant-api01-x }
        checkpoint: { path: cp.json }
        sinks:
          - name: vault
            type: s3
        \(sink.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    static let minimal = "bucket: audit-archive\nregion: eu-central-1\nspool_directory: spool"

    func s3Sink(_ loaded: ConfigurationLoader.Loaded) -> ForwarderConfiguration.S3Sink? {
        guard case .s3(let s3) = loaded.configuration.sinks.first?.destination else {
            Issue.record("not an s3 sink")
            return nil
        }
        return s3
    }

    @Test func everyKeyIsRead() throws {
        try withTemporaryDirectory { directory in
            let loaded = try load(
                Self.yaml(
                    """
                    bucket: audit-archive
                    region: us-east-1
                    endpoint: http://127.0.0.1:9000/
                    path_style: true
                    prefix: "audit/{sink}/{year}/{month}/{day}/{hour}/"
                    format: cef
                    rotate: { max_bytes: 8MiB, max_age: 2m }
                    storage_class: STANDARD_IA
                    sse: aws:kms
                    kms_key_id: arn:aws:kms:us-east-1:111122223333:key/abc
                    object_lock: { mode: compliance, retain: 2555d }
                    spool_directory: spool
                    spool_max_bytes: 256MiB
                    """
                ),
                in: directory
            )
            let s3 = try #require(s3Sink(loaded))
            #expect(loaded.configuration.sinks[0].format == .cef)
            #expect(s3.bucket == "audit-archive")
            #expect(s3.region == "us-east-1")
            #expect(s3.endpoint == "http://127.0.0.1:9000")
            #expect(s3.pathStyle)
            #expect(s3.prefix.template == "audit/{sink}/{year}/{month}/{day}/{hour}/")
            #expect(s3.rotate.maximumBytes == 8 << 20)
            #expect(s3.rotate.maximumAge == .seconds(120))
            #expect(s3.storageClass == "STANDARD_IA")
            #expect(s3.serverSideEncryption == .kms)
            #expect(s3.kmsKeyID == "arn:aws:kms:us-east-1:111122223333:key/abc")
            #expect(s3.objectLock == .init(mode: .compliance, retain: .seconds(2555 * 86_400)))
            #expect(s3.spoolDirectory == directory + "/spool")
            #expect(s3.spoolMaximumBytes == 256 << 20)
            #expect(!loaded.warnings.contains { $0.path.hasPrefix("sinks") })
            #expect(loaded.configuration.summary.contains("s3://audit-archive/audit/{sink}"))
        }
    }

    @Test func defaultsSuitObjects() throws {
        try withTemporaryDirectory { directory in
            let s3 = try #require(s3Sink(try load(Self.yaml(Self.minimal), in: directory)))
            #expect(s3.rotate.maximumBytes == 64 << 20)
            #expect(s3.rotate.maximumAge == .seconds(300))
            #expect(s3.prefix == .standard)
            #expect(s3.endpoint == nil)
            #expect(!s3.pathStyle)
            #expect(s3.objectLock == nil)
            #expect(s3.serverSideEncryption == nil)
            #expect(s3.spoolMaximumBytes == 1 << 30)
        }
    }

    @Test func requiredKeysAreNamed() throws {
        try withTemporaryDirectory { directory in
            let found = problems(Self.yaml("format: ecs"), in: directory)
            for key in ["bucket", "region", "spool_directory"] {
                #expect(found.contains { $0.path == "sinks[0].\(key)" }, "\(key) not reported")
            }
        }
    }

    @Test(arguments: [
        ("bucket: Audit_Archive", "sinks[0].bucket", "lower-case"),
        ("bucket: ab", "sinks[0].bucket", "3 to 63"),
        ("bucket: -audit", "sinks[0].bucket", "begin and end"),
        ("bucket: a..b", "sinks[0].bucket", "adjacent periods"),
        ("region: EU Central", "sinks[0].region", "region name"),
        ("endpoint: ftp://store", "sinks[0].endpoint", "http:// or https://"),
        ("endpoint: https://store.example.com/bucket", "sinks[0].endpoint", "without a path"),
        ("prefix: /audit/", "sinks[0].prefix", "must not start with '/'"),
        ("prefix: \"audit/{date}/\"", "sinks[0].prefix", "unknown placeholder {date}"),
        ("prefix: \"audit/{year/\"", "sinks[0].prefix", "without a closing"),
        ("prefix: audit/../x/", "sinks[0].prefix", "'..'"),
        ("prefix: \"audit logs/\"", "sinks[0].prefix", "may contain only"),
        ("prefix: \"audit%2F/\"", "sinks[0].prefix", "may contain only"),
        ("storage_class: glacier-ir", "sinks[0].storage_class", "unknown storage class"),
        ("sse: kms", "sinks[0].sse", "aes256 | aws:kms"),
        ("kms_key_id: abc", "sinks[0].kms_key_id", "only used with sse: aws:kms"),
        ("object_lock: { mode: legal, retain: 30d }", "sinks[0].object_lock.mode", "compliance | governance"),
        ("object_lock: { mode: compliance }", "sinks[0].object_lock.retain", "2555d"),
        ("object_lock: { mode: compliance, retain: 1h }", "sinks[0].object_lock.retain", "at least"),
        ("object_lock: { mode: compliance, retain: 30d, until: x }", "sinks[0].object_lock.until", "unknown key"),
        ("rotate: { max_bytes: 6GiB }", "sinks[0].rotate.max_bytes", "between"),
        ("spool_max_bytes: 16MiB", "sinks[0].spool_max_bytes", "at least rotate.max_bytes"),
        ("directory: /tmp", "sinks[0].directory", "file sinks"),
    ])
    func invalidValuesAreRefusedWithAReason(line: String, path: String, words: String) throws {
        try withTemporaryDirectory { directory in
            var keys = Self.minimal
            let key = String(line.prefix { $0 != ":" })
            keys = keys.split(separator: "\n").filter { !$0.hasPrefix(key + ":") }.joined(separator: "\n")
            let found = problems(Self.yaml(keys + "\n" + line), in: directory)
            #expect(
                found.contains { $0.path == path && $0.message.contains(words) },
                "expected \(path) containing '\(words)', got \(found)"
            )
        }
    }

    @Test func aDottedBucketInVirtualHostedStyleIsWarnedAbout() throws {
        try withTemporaryDirectory { directory in
            let yaml = Self.yaml("bucket: audit.example.com\nregion: eu-west-1\nspool_directory: spool")
            let loaded = try load(yaml, in: directory)
            #expect(loaded.warnings.contains { $0.path == "sinks[0].bucket" && $0.message.contains("path_style") })
        }
    }

    @Test func aCleartextEndpointBeyondLoopbackIsWarnedAbout() throws {
        try withTemporaryDirectory { directory in
            let loaded = try load(Self.yaml(Self.minimal + "\nendpoint: http://minio.internal:9000"), in: directory)
            #expect(loaded.warnings.contains { $0.path == "sinks[0].endpoint" && $0.message.contains("https") })
        }
    }

    @Test func prefixPlaceholdersRenderInUTC() throws {
        let prefix = try ForwarderConfiguration.S3Sink.KeyPrefix.parse("a/{sink}/{year}/{month}/{day}/{hour}/").get()
        let time = try #require(RFC3339Timestamp("2026-03-04T05:06:07Z"))
        #expect(prefix.render(sink: "vault", at: time) == "a/vault/2026/03/04/05/")
        #expect(prefix.staticPart == "a/")
        #expect(ForwarderConfiguration.S3Sink.KeyPrefix.standard.render(sink: "s", at: time) == "s/2026/03/04/")
    }
}
