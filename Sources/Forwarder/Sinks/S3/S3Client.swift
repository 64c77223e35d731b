import AsyncHTTPClient
import ComplianceAPI
import ForwarderCore
import NIOCore
import NIOHTTP1

/// The few S3 requests the sink, `check` and `archive verify` make, signed with SigV4: PUT an
/// object streamed from a file, PUT a small object, HEAD and GET an object, HEAD a bucket, GET its
/// Object Lock configuration, and ListObjectsV2.
///
/// Addresses the bucket virtual-hosted (`bucket.host/key`) or path-style (`host/bucket/key`). The
/// `Host` header is set explicitly to the value signed, so the signature covers what is sent.
/// Replies are scrubbed of the credentials before any of their text reaches an error.
final class S3Client: Sendable {
    /// Replies are cut here by default (an S3 error document is well under 1 KiB; a listing
    /// page of 1000 keys about 300 KiB).
    static let maximumReplyBytes = 1 << 20

    let configuration: ForwarderConfiguration.S3Sink
    let credentials: AWSCredentialsProvider
    private let client: HTTPClient
    private let timeout: Duration
    private let signer: AWSSigner
    private let now: @Sendable () -> RFC3339Timestamp

    /// A reply: status, headers, and the body when one was read.
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// What a request sends.
    enum Body: Sendable {
        case empty
        case bytes([UInt8])
        /// `length` bytes of the file at `path`, read in chunks as the socket takes them.
        case file(path: String, length: Int)
    }

    /// - Parameters:
    ///   - timeout: Time allowed for one request; an upload is allowed this much per 16 MiB more.
    init(
        configuration: ForwarderConfiguration.S3Sink,
        credentials: AWSCredentialsProvider,
        timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> RFC3339Timestamp = { .now }
    ) {
        self.configuration = configuration
        self.credentials = credentials
        self.timeout = timeout
        self.now = now
        self.signer = AWSSigner(region: configuration.region, service: "s3")
        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: .makeClientConfiguration(),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(min(timeout, .seconds(10))), read: .init(timeout)),
            decompression: .disabled
        )
        // HTTP/1.1 only: the signed `Host` header is sent as written (HTTP/2 would turn it into
        // `:authority`), and S3 speaks HTTP/1.1 anyway.
        httpConfiguration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
    }

    /// Closes the connection pool (the credentials provider is the caller's).
    func shutdown() async {
        try? await client.shutdown()
    }

    /// `scheme://host[:port]` of the store, without the bucket.
    var endpoint: String {
        configuration.endpoint ?? "https://s3.\(configuration.region).amazonaws.com"
    }

    /// The URL of `key` (or of the bucket when `key` is `nil`), with `query` (already encoded).
    func url(key: String?, query: String = "") -> String {
        let base: String
        if configuration.pathStyle {
            base =
                endpoint + "/" + configuration.bucket
                + (key.map { "/" + AWSSigner.uriEncode($0, keepingSlash: true) } ?? "")
        } else {
            let encodedKey = key.map { AWSSigner.uriEncode($0, keepingSlash: true) } ?? ""
            let schemeEnd = endpoint.range(of: "://")
            let scheme = schemeEnd.map { String(endpoint[..<$0.upperBound]) } ?? "https://"
            let host = schemeEnd.map { String(endpoint[$0.upperBound...]) } ?? endpoint
            base = scheme + configuration.bucket + "." + host + "/" + encodedKey
        }
        return query.isEmpty ? base : base + "?" + query
    }

    /// `bucket/key` for messages: never a URL with credentials, which S3 URLs never carry anyway.
    func describe(_ key: String?) -> String {
        "s3://\(configuration.bucket)/\(key ?? "")"
    }

    /// Sends one signed request; any status comes back as a reply, only transport failures and
    /// missing credentials throw.
    func send(
        method: HTTPMethod,
        key: String?,
        query: String = "",
        headers extra: [(name: String, value: String)] = [],
        body: Body = .empty,
        payloadSHA256: String? = nil,
        readBody: Bool = true,
        replyLimit: Int = S3Client.maximumReplyBytes,
        onBodyPart: ((ByteBuffer) throws -> Void)? = nil
    ) async throws(S3SinkError) -> Reply {
        let target = url(key: key, query: query)
        let payload: AWSSignableRequest.Payload
        switch body {
        case .empty: payload = .empty
        case .bytes(let bytes): payload = payloadSHA256.map { .sha256(hex: $0) } ?? .bytes(bytes)
        case .file: payload = payloadSHA256.map { .sha256(hex: $0) } ?? .unsigned
        }
        guard let signable = AWSSignableRequest(method: method.rawValue, url: target, headers: extra, payload: payload)
        else { throw S3SinkError(.rejected, "cannot address \(describe(key)) at \(endpoint)") }
        let current: AWSCredentials
        do {
            current = try await credentials.credentials()
        } catch {
            throw S3SinkError(.credentials, "\(error)")
        }
        var request = HTTPClientRequest(url: target)
        request.method = method
        request.headers.add(name: "Host", value: signable.host)
        for header in extra { request.headers.add(name: header.name, value: header.value) }
        for header in signer.sign(signable, credentials: current, date: now()) {
            request.headers.add(name: header.name, value: header.value)
        }
        var allowed = timeout
        switch body {
        case .empty: break
        case .bytes(let bytes): request.body = .bytes(ByteBuffer(bytes: bytes))
        case .file(let path, let length):
            request.body = .stream(FileChunks(path: path), length: .known(Int64(length)))
            allowed += timeout * (length >> 24)
        }
        let scrubber = Self.scrubber(for: current)
        do {
            let response = try await client.execute(request, timeout: .init(allowed))
            var collected: [UInt8] = []
            let succeeded = (200..<300).contains(Int(response.status.code))
            for try await part in response.body where readBody || !succeeded {
                // A download goes to its consumer part by part, never whole into memory.
                if succeeded, let onBodyPart {
                    try onBodyPart(part)
                    continue
                }
                let room = replyLimit - collected.count
                if room > 0 { collected.append(contentsOf: part.readableBytesView.prefix(room)) }
            }
            if !(200..<300).contains(Int(response.status.code)) {
                // Error documents are input: scrub them before their text can reach a message.
                collected = Array(scrubber.scrub(String(decoding: collected, as: UTF8.self)).utf8)
            }
            return Reply(status: Int(response.status.code), headers: response.headers, body: collected)
        } catch let error as S3SinkError {
            throw error
        } catch {
            if Task.isCancelled { throw S3SinkError(.transport, "cancelled") }
            throw S3SinkError(.transport, "\(endpoint): " + scrubber.scrub(Self.describeTransport(error)))
        }
    }

    /// The error a non-2xx reply means, with the store's code and message and a hint.
    func failure(_ reply: Reply, doing what: String) -> S3SinkError {
        let text = String(decoding: reply.body, as: UTF8.self)
        let storeCode = AWSXMLLeaves.first("Code", in: text)
        let storeMessage = AWSXMLLeaves.first("Message", in: text)
        let code: S3SinkError.Code
        var hint = ""
        switch (reply.status, storeCode ?? "") {
        case (_, "InvalidAccessKeyId"), (_, "SignatureDoesNotMatch"), (_, "ExpiredToken"), (_, "InvalidToken"),
            (_, "TokenRefreshRequired"):
            code = .credentials
            hint = " (check the AWS credentials the forwarder runs with)"
        case (403, _):
            code = .credentials
            hint = " (the credentials lack a permission: s3:PutObject, s3:PutObjectRetention for object_lock)"
        case (301, _), (307, _), (400, "AuthorizationHeaderMalformed"), (400, "IllegalLocationConstraintException"):
            code = .rejected
            hint = " (is region '\(configuration.region)' the bucket's region?)"
        case (404, _):
            code = .rejected
            hint = " (no such bucket or key: check bucket, endpoint and path_style)"
        case (408, _), (429, _), (500...599, _):
            code = .unavailable
        case (400, "InvalidRequest") where configuration.objectLock != nil:
            code = .rejected
            hint = " (is Object Lock enabled on the bucket?)"
        default:
            code = .rejected
        }
        let detail = [storeCode, storeMessage].compactMap { $0 }.joined(separator: ": ")
        return S3SinkError(
            code,
            "\(what) \(describe(nil)) failed" + (detail.isEmpty ? "" : ": \(detail)") + hint,
            status: reply.status,
            storeCode: storeCode
        )
    }

    private static func scrubber(for credentials: AWSCredentials) -> SecretScrubber {
        var secrets = [credentials.secretAccessKey.withValue { $0 }]
        if let token = credentials.sessionToken { secrets.append(token.withValue { $0 }) }
        return SecretScrubber(secrets)
    }

    private static func describeTransport(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no reply within the timeout"
            case .connectTimeout: return "connect timeout"
            case .remoteConnectionClosed: return "the store closed the connection without a reply"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
