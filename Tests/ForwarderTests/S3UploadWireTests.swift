import ComplianceAPI
import Crypto
import ForwarderCore
import Foundation
import Synchronization
import Testing

@testable import Forwarder

/// The s3 sink's `PUT`s as a server sees them (the in-process ``TestHTTPServer`` playing S3): the
/// streamed body matches its `Content-MD5`, `x-amz-checksum-sha256` and signed payload hash, the
/// signature verifies over the `Host` header actually sent, and refused credentials make the sink
/// unhealthy and retry without acknowledging, dropping or leaking anything.
@Suite struct S3UploadWireTests {
    static let secret = MotoS3Server.secretAccessKey

    /// Recomputes the request's signature from what arrived; `nil` when it verifies.
    static func signatureProblem(_ request: TestHTTPRequest) -> String? {
        guard let authorization = request.headers.first(name: "authorization"),
            let date = request.headers.first(name: "x-amz-date"),
            let host = request.headers.first(name: "host"),
            let payload = request.headers.first(name: "x-amz-content-sha256")
        else { return "authorization, x-amz-date, host or x-amz-content-sha256 missing" }
        let signedNames =
            authorization.components(separatedBy: "SignedHeaders=").last?
            .split(separator: ",").first.map { $0.split(separator: ";").map(String.init) } ?? []
        guard signedNames.contains("host") else { return "host is not signed" }
        let digits = Array(date)
        let rfc3339 =
            String(digits[0..<4]) + "-" + String(digits[4..<6]) + "-" + String(digits[6..<8]) + "T"
            + String(digits[9..<11]) + ":" + String(digits[11..<13]) + ":" + String(digits[13..<15]) + "Z"
        guard let time = RFC3339Timestamp(rfc3339) else { return "bad x-amz-date \(date)" }
        let headers = signedNames.filter { !["host", "x-amz-date", "x-amz-content-sha256"].contains($0) }
            .map { (name: $0, value: request.headers[$0].joined(separator: ",")) }
        let parts = request.uri.split(separator: "?", maxSplits: 1)
        let signable = AWSSignableRequest(
            method: request.method.rawValue,
            host: host,
            path: String(parts[0]),
            query: parts.count > 1 ? String(parts[1]) : "",
            headers: headers,
            payload: .sha256(hex: payload)
        )
        let credentials = AWSCredentials(
            accessKeyID: MotoS3Server.accessKeyID,
            secretAccessKey: Secret(secret),
            source: "test"
        )
        let expected = AWSSigner(region: "us-east-1", service: "s3").sign(
            signable,
            credentials: credentials,
            date: time
        )
        .first { $0.name == "authorization" }?.value
        return expected == authorization ? nil : "signature does not verify"
    }

    @Test func uploadsVerifyOnTheWireAndRefusedCredentialsHoldEverything() async throws {
        let refusing = Mutex(true)
        let problems = Mutex<[String]>([])
        let stored = Mutex<[String: [UInt8]]>([:])
        let handler: TestHTTPServer.Handler = { request in
            guard request.method == .PUT else { return .reply(status: 405) }
            if refusing.withLock({ $0 }) {
                // A store that quotes the secret back must not get it into a log.
                return .reply(
                    status: 403,
                    headers: [("Content-Type", "application/xml")],
                    body: "<Error><Code>InvalidAccessKeyId</Code><Message>not \(Self.secret)</Message></Error>"
                )
            }
            let body = request.wireBody
            var found: [String] = []
            if let problem = Self.signatureProblem(request) { found.append("\(request.uri): \(problem)") }
            if request.headers.first(name: "content-md5") != Data(Insecure.MD5.hash(data: body)).base64EncodedString() {
                found.append("\(request.uri): Content-MD5 does not match the body")
            }
            let sha = SHA256.hash(data: body)
            if request.headers.first(name: "x-amz-checksum-sha256") != Data(sha).base64EncodedString() {
                found.append("\(request.uri): x-amz-checksum-sha256 does not match the body")
            }
            if request.headers.first(name: "x-amz-content-sha256") != WebhookSigner.hex(sha) {
                found.append("\(request.uri): x-amz-content-sha256 does not match the body")
            }
            if request.headers.first(name: "content-length") != String(body.count) {
                found.append("\(request.uri): Content-Length is not the body's length")
            }
            problems.withLock { $0 += found }
            stored.withLock { $0[request.path] = body }
            return .reply(status: 200)
        }
        try await TestHTTPServer.withRunning(handler) { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            var configuration = ForwarderConfiguration.S3Sink(
                bucket: "wire",
                region: "us-east-1",
                spoolDirectory: directory.path + "/spool",
                endpoint: server.baseURL,
                pathStyle: true,
                rotate: .init(maximumBytes: 64 << 10, maximumAge: .seconds(3600)),
                storageClass: "STANDARD_IA",
                serverSideEncryption: .aes256
            )
            configuration.objectLock = .init(mode: .compliance, retain: .seconds(86_400))
            let sink = S3Sink(
                name: "vault",
                configuration: configuration,
                encoder: EventEncoder(format: .raw),
                credentials: MotoS3Server.credentials,
                backoff: RetryPolicy(
                    initialBackoff: .milliseconds(20),
                    maximumBackoff: .milliseconds(200),
                    maximumRetries: nil
                )
            )
            let batches = HTTPTestEvents.batches(0..<3000, batchSize: 200)
            let run = try await HTTPSinkHarness.run(sink, batches: batches) { run in
                let unhealthy = try await eventually(timeout: .seconds(30)) { !run.metrics.health.isHealthy }
                #expect(unhealthy)
                #expect(
                    run.metrics.health.reason?.contains("credentials") == true,
                    "\(run.metrics.health.reason ?? "")"
                )
                #expect(!(run.metrics.health.reason ?? "").contains(Self.secret))
                _ = try await eventually(timeout: .seconds(30)) { server.requestCount >= 5 }
                #expect(run.acknowledger.count == 0, "nothing acknowledged while the credentials are refused")
                refusing.withLock { $0 = false }
            }
            #expect(run.acknowledger.count == 3000)
            #expect(run.metrics.health.isHealthy)
            #expect(try run.deadLetters().isEmpty, "nothing dead-lettered")
            #expect(problems.withLock { $0 }.isEmpty, "\(problems.withLock { $0 })")
            let objects = stored.withLock { $0 }.filter { !$0.key.hasSuffix(".manifest.json") }
            #expect(!objects.isEmpty)
            var ids: [String] = []
            for body in objects.values { ids += S3SinkTests.ids(in: body) }
            #expect(ids.sorted() == batches.flatMap { $0.events.map(\.activity.id) }.sorted())
            #expect(!run.logText.contains(Self.secret), "the secret reached the log")
            #expect(run.logText.contains("InvalidAccessKeyId"))
        }
    }
}
