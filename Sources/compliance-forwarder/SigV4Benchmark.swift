import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore

/// `benchmark sigv4`: signs the requests the S3 sink will send (PUT of a segment with Object Lock,
/// HEAD bucket, GET `?object-lock`, ListObjectsV2) and reports signatures per second; with
/// `--emit-requests` it prints each signed request as one JSON line instead, for
/// scripts/check-formats.sh to sign again with botocore's `S3SigV4Auth` and compare.
///
/// The credentials are AWS's documented example keys, never the environment's.
struct SigV4Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigv4",
        abstract: "Signatures/s for the S3 sink's request shapes; --emit-requests prints them for cross-checks."
    )

    @Option(help: "Signatures to compute.") var signatures = 100_000
    @Flag(help: "Print the signed sample requests as JSON lines instead of timing.") var emitRequests = false

    /// One sample: how it is described to the checker (decoded path and parameters) and the request.
    struct Sample {
        var name: String
        var scheme: String
        var decodedPath: String
        var parameters: [(String, String)]
        var body: [UInt8]?
        var region: String
        var credentials: AWSCredentials
        var request: AWSSignableRequest
    }

    static let date = RFC3339Timestamp("2026-12-07T10:15:00Z") ?? RFC3339Timestamp(secondsSinceEpoch: 0)

    static func samples() -> [Sample] {
        let keys = AWSCredentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        )
        var temporary = keys
        temporary.accessKeyID = "ASIAIOSFODNN7EXAMPLE"
        temporary.sessionToken = Secret("IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCWV1LXdlc3QtMSJHMEUCIQ+EXAMPLE=")
        let segment = Array(String(repeating: "{\"id\":\"activity_01\"}\n", count: 400).utf8)
        let digests = S3Checksums.of(segment)
        let lockHeaders: [(name: String, value: String)] = [
            ("Content-Length", String(segment.count)), ("Content-Type", "application/gzip"),
            ("Content-MD5", digests.contentMD5), ("x-amz-checksum-sha256", digests.checksumSHA256),
            ("x-amz-object-lock-mode", "COMPLIANCE"), ("x-amz-object-lock-retain-until-date", "2033-12-05T10:15:00Z"),
            ("x-amz-storage-class", "STANDARD_IA"), ("x-amz-server-side-encryption", "aws:kms"),
            ("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:eu-central-1:111122223333:key/1234abcd"),
        ]
        let key = "compliance/2026/12/07/activities-20261207T101500Z-000042.ndjson.gz"
        let oddKey = "archive with space/ü+=&$@!'()*,;:/manifest 42.json"
        let virtualHost = "audit-archive.s3.eu-central-1.amazonaws.com"
        func sample(
            _ name: String,
            scheme: String = "https",
            method: String,
            host: String = virtualHost,
            path: String = "/",
            parameters: [(String, String)] = [],
            headers: [(name: String, value: String)] = [],
            payload: AWSSignableRequest.Payload = .empty,
            body: [UInt8]? = nil,
            region: String = "eu-central-1",
            credentials: AWSCredentials = keys
        ) -> Sample {
            let query = parameters.map {
                AWSSigner.uriEncode($0.0, keepingSlash: false) + "=" + AWSSigner.uriEncode($0.1, keepingSlash: false)
            }
            return Sample(
                name: name,
                scheme: scheme,
                decodedPath: path,
                parameters: parameters,
                body: body,
                region: region,
                credentials: credentials,
                request: AWSSignableRequest(
                    method: method,
                    host: host,
                    path: AWSSigner.uriEncode(path, keepingSlash: true),
                    query: query.joined(separator: "&"),
                    headers: headers,
                    payload: payload
                )
            )
        }
        return [
            sample(
                "put-segment-object-lock",
                method: "PUT",
                path: "/" + key,
                headers: lockHeaders,
                payload: .sha256(hex: digests.sha256Hex),
                body: segment
            ),
            sample(
                "put-segment-unsigned-payload-session-token",
                method: "PUT",
                host: "s3.eu-central-1.amazonaws.com",
                path: "/audit-archive/" + key,
                headers: lockHeaders,
                payload: .unsigned,
                body: segment,
                credentials: temporary
            ),
            sample(
                "put-manifest-odd-key",
                method: "PUT",
                path: "/" + oddKey,
                headers: [("Content-Type", "application/json"), ("x-amz-object-lock-mode", "GOVERNANCE")],
                payload: .bytes(Array("{}".utf8)),
                body: Array("{}".utf8)
            ),
            sample("head-bucket", method: "HEAD"),
            sample("get-object-lock-configuration", method: "GET", parameters: [("object-lock", "")]),
            sample(
                "list-objects-v2",
                method: "GET",
                parameters: [
                    ("list-type", "2"), ("prefix", "compliance/2026/12/"), ("max-keys", "1000"),
                    ("continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM+tc="),
                    ("start-after", "compliance/2026/12/07/a b"),
                ],
                credentials: temporary
            ),
            sample(
                "minio-path-style-local",
                scheme: "http",
                method: "PUT",
                host: "127.0.0.1:9000",
                path: "/audit/" + key,
                headers: lockHeaders,
                payload: .sha256(hex: digests.sha256Hex),
                body: segment,
                region: "us-east-1"
            ),
        ]
    }

    func run() async throws {
        let samples = Self.samples()
        if emitRequests {
            for sample in samples { print(Self.line(sample)) }
            return
        }
        let signers = samples.map { AWSSigner(region: $0.region, service: "s3") }
        var total = 0
        let start = ContinuousClock.now
        for index in 0..<signatures {
            let sample = samples[index % samples.count]
            total +=
                signers[index % samples.count].sign(sample.request, credentials: sample.credentials, date: Self.date)
                .count
        }
        let seconds = (ContinuousClock.now - start).seconds
        print("sigv4: \(signatures) signatures, \(Int(Double(signatures) / seconds)) signatures/s (\(total) headers)")
    }

    /// One JSON line: the sample as the checker rebuilds it, and the headers this signer added.
    static func line(_ sample: Sample) -> String {
        func pairs(_ list: [(String, String)]) -> JSONValue {
            .array(list.map { .array([.string($0.0), .string($0.1)]) })
        }
        let signed = AWSSigner(region: sample.region, service: "s3")
            .sign(sample.request, credentials: sample.credentials, date: date)
        let payload: String
        switch sample.request.payload {
        case .unsigned: payload = "unsigned"
        case .sha256: payload = "sha256"
        case .bytes: payload = "bytes"
        }
        let object: JSONObject = [
            "name": .string(sample.name), "scheme": .string(sample.scheme), "method": .string(sample.request.method),
            "host": .string(sample.request.host), "decoded_path": .string(sample.decodedPath),
            "path": .string(sample.request.path), "query": .string(sample.request.query),
            "parameters": pairs(sample.parameters),
            "headers": pairs(sample.request.headers.map { ($0.name, $0.value) }),
            "body": sample.body.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null,
            "payload": .string(payload), "region": .string(sample.region),
            "access_key": .string(sample.credentials.accessKeyID),
            "secret_key": .string(sample.credentials.secretAccessKey.withValue { $0 }),
            "session_token": sample.credentials.sessionToken.map { .string($0.withValue { $0 }) } ?? .null,
            "date": .string(AWSSigner.timestamp(date)),
            "signed": pairs(signed.map { ($0.name, $0.value) }),
        ]
        return JSONValue.object(object).jsonText
    }
}
