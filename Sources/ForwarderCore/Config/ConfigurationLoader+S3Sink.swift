extension ConfigurationLoader {
    typealias S3Sink = ForwarderConfiguration.S3Sink

    static let s3SinkKeys = [
        "bucket", "region", "endpoint", "path_style", "prefix", "rotate", "storage_class", "sse", "kms_key_id",
        "object_lock", "spool_directory", "spool_max_bytes", "signing_key_file",
    ]

    static func readS3Sink(_ sink: ConfigurationMapping) -> S3Sink? {
        let bucket = sink.string("bucket")
        if !sink.has("bucket") { sink.missing("bucket", "the bucket's name, e.g. audit-archive") }
        if let bucket, let problem = bucketProblem(bucket) { sink.error("bucket", problem) }

        let region = sink.string("region")
        if !sink.has("region") {
            sink.missing("region", "the bucket's region, e.g. eu-central-1 (us-east-1 for most local stores)")
        }
        if let region,
            region.isEmpty || region.count > 32
                || !region.unicodeScalars.allSatisfy({
                    $0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0) || $0 == "-")
                })
        {
            sink.error("region", "expected a region name such as eu-central-1, got '\(region)'")
        }

        let endpoint = readEndpoint(sink)
        let pathStyle = sink.bool("path_style", default: false)
        if let bucket, bucket.contains("."), endpoint == nil || endpoint?.hasPrefix("https:") == true, !pathStyle {
            sink.warning(
                "bucket",
                "a bucket name with '.' does not match S3's TLS certificate in virtual-hosted style; set path_style: true"
            )
        }

        var prefix = S3Sink.KeyPrefix.standard
        if let text = sink.string("prefix") {
            switch S3Sink.KeyPrefix.parse(text) {
            case .success(let parsed): prefix = parsed
            case .failure(let problem): sink.error("prefix", problem.message)
            }
        }

        let defaults = S3Sink(bucket: "", region: "", spoolDirectory: "")
        var rotate = defaults.rotate
        if let mapping = sink.mapping("rotate", allowedKeys: ["max_bytes", "max_age"]) {
            // S3 refuses a single PUT above 5 GiB.
            rotate.maximumBytes = mapping.size(
                "max_bytes",
                default: rotate.maximumBytes,
                minimum: 1 << 10,
                maximum: 5 << 30
            )
            rotate.maximumAge = mapping.duration("max_age", default: rotate.maximumAge, minimum: .seconds(1))
        }

        let storageClass = sink.string("storage_class")
        if let storageClass, !S3Sink.storageClasses.contains(storageClass) {
            let suggestion = Suggestion.didYouMean(storageClass.uppercased(), in: S3Sink.storageClasses)
            sink.error(
                "storage_class",
                "unknown storage class '\(storageClass)'; expected one of "
                    + S3Sink.storageClasses.joined(separator: ", ") + suggestion
            )
        }

        let sse = sink.choice("sse", as: S3Sink.ServerSideEncryption.self)
        let kmsKeyID = sink.string("kms_key_id")
        if sink.has("kms_key_id"), sse != .kms {
            sink.error("kms_key_id", "only used with sse: aws:kms")
        }

        let objectLock = readObjectLock(sink)
        let spoolDirectory = sink.directory("spool_directory")
        if !sink.has("spool_directory") {
            sink.missing("spool_directory", "a local directory where segments wait until the store confirms them")
        }
        let spoolMaximumBytes = sink.size("spool_max_bytes", default: defaults.spoolMaximumBytes, minimum: 1 << 20)
        if spoolMaximumBytes < rotate.maximumBytes {
            sink.error(
                "spool_max_bytes",
                "must be at least rotate.max_bytes (\(ConfigurationSyntax.format(bytes: rotate.maximumBytes)))"
            )
        }
        let signingKeyFile = readSigningKeyFile(sink, archiveDirectory: spoolDirectory)

        guard let bucket, let region, let spoolDirectory else { return nil }
        return S3Sink(
            bucket: bucket,
            region: region,
            spoolDirectory: spoolDirectory,
            endpoint: endpoint,
            pathStyle: pathStyle,
            prefix: prefix,
            rotate: rotate,
            storageClass: storageClass,
            serverSideEncryption: sse,
            kmsKeyID: kmsKeyID,
            objectLock: objectLock,
            spoolMaximumBytes: spoolMaximumBytes,
            signingKeyFile: signingKeyFile
        )
    }

    /// S3's bucket naming rules, in the words of its documentation.
    static func bucketProblem(_ name: String) -> String? {
        guard (3...63).contains(name.count) else { return "must be 3 to 63 characters long, got \(name.count)" }
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0) || $0 == "." || $0 == "-")
        }
        guard allowed else {
            return "may contain only lower-case letters, digits, '.' and '-', got '\(name)'"
        }
        guard let first = name.first, let last = name.last, first.isLetter || first.isNumber,
            last.isLetter || last.isNumber
        else { return "must begin and end with a letter or digit" }
        if name.contains("..") { return "must not contain two adjacent periods" }
        return nil
    }

    /// `http(s)://host[:port]`, no path: the bucket and key are added per request.
    private static func readEndpoint(_ sink: ConfigurationMapping) -> String? {
        guard let url = sink.url("endpoint", allowQuery: false) else { return nil }
        var text = url.text
        while text.hasSuffix("/") { text.removeLast() }
        let afterScheme = text.split(separator: "//", maxSplits: 1).last ?? ""
        if afterScheme.contains("/") {
            sink.error("endpoint", "must be scheme://host[:port] without a path; the bucket goes in bucket")
            return nil
        }
        if !url.isHTTPS, !url.isLoopback {
            sink.warning(
                "endpoint",
                "signed requests and audit data would travel unencrypted over http://; use https://"
            )
        }
        return text
    }

    private static func readObjectLock(_ sink: ConfigurationMapping) -> S3Sink.ObjectLock? {
        guard let lock = sink.mapping("object_lock", allowedKeys: ["mode", "retain"]) else { return nil }
        let mode = lock.choice("mode", as: S3Sink.ObjectLock.Mode.self)
        if !lock.has("mode") { lock.missing("mode", "compliance or governance") }
        let retain = lock.duration("retain", minimum: .seconds(86_400))
        if !lock.has("retain") { lock.missing("retain", "how long each object stays locked, e.g. 2555d (7 years)") }
        guard let mode, let retain else { return nil }
        return S3Sink.ObjectLock(mode: mode, retain: retain)
    }
}
