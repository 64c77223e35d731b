import ComplianceAPI
import ForwarderCore
import Foundation
import Logging
import Testing

@testable import Forwarder

/// `moto_server` (PyPI `moto[server]`, installed by `scripts/install-test-deps.sh`) on a free
/// loopback port: a local S3 API with versioning, Object Lock and checksums, standing in for AWS.
/// It keeps everything in memory and accepts any credentials.
///
/// The test talks to it with the sink's own ``S3Client`` (path style, `us-east-1`).
struct MotoS3Server {
    static let accessKeyID = "AKIAMOTOTESTKEY00001"
    static let secretAccessKey = "moto-secret-access-key-never-logged"

    let process: Process
    let port: Int
    let log: URL

    static var installed: Bool {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.contains { FileManager.default.isExecutableFile(atPath: "\($0)/moto_server") }
    }

    static let skipMessage = "moto_server not installed (run scripts/install-test-deps.sh); skipped because CI is unset"

    /// Whether the test should run; records a failure under CI when moto is missing.
    static func available() -> Bool {
        if installed { return true }
        if SyslogReceiver.isCI { Issue.record("moto_server is not installed but CI is set") }
        return false
    }

    /// The environment a forwarder child needs to find credentials that moto accepts.
    static var credentialsEnvironment: [String: String] {
        ["AWS_ACCESS_KEY_ID": accessKeyID, "AWS_SECRET_ACCESS_KEY": secretAccessKey]
    }

    static var credentials: AWSCredentialSource {
        .fixed(
            AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: Secret(secretAccessKey), source: "test")
        )
    }

    /// Starts moto on a free port and returns once it answers S3 requests.
    static func start(logDirectory: String) async throws -> MotoS3Server {
        var lastError = ""
        for attempt in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let log = URL(fileURLWithPath: logDirectory + "/moto-\(attempt).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            let server = MotoS3Server(process: process, port: port, log: log)
            let answered = try await server.withClient(bucket: "probe") { client in
                try await eventuallyAsync(timeout: .seconds(30), every: .milliseconds(100)) {
                    guard process.isRunning else { return true }
                    return (try? await client.send(method: .HEAD, key: nil)) != nil
                }
            }
            if answered, process.isRunning { return server }
            lastError = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            server.stop()
        }
        throw SyslogReceiver.HarnessError("could not start moto_server: \(lastError.suffix(2000))")
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// How many requests with `method` the server has logged so far.
    func requests(method: String) throws -> Int {
        try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"\(method) /") }.count
    }

    /// Kills the server (moto ignores SIGTERM) and waits briefly for it to be gone.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGCONT)
        kill(process.processIdentifier, SIGKILL)
        // Not waitUntilExit: off the main thread it spins a run loop at full speed.
        for _ in 0..<500 where process.isRunning { usleep(10_000) }
    }

    /// Freezes (`SIGSTOP`) or resumes (`SIGCONT`) the server: an outage that keeps its data.
    func pause() { kill(process.processIdentifier, SIGSTOP) }
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// A sink configuration for `bucket` on this server.
    func configuration(
        bucket: String,
        spool: String = "/nonexistent",
        objectLock: ForwarderConfiguration.S3Sink.ObjectLock? = nil
    ) -> ForwarderConfiguration.S3Sink {
        ForwarderConfiguration.S3Sink(
            bucket: bucket,
            region: "us-east-1",
            spoolDirectory: spool,
            endpoint: endpoint,
            pathStyle: true,
            objectLock: objectLock
        )
    }

    /// Runs `body` with a client for `bucket` (the test credentials), closed afterwards.
    func withClient<T>(bucket: String, _ body: (S3Client) async throws -> T) async throws -> T {
        var logger = Logger(label: "moto-test")
        logger.logLevel = .critical
        let provider = AWSCredentialsProvider(source: Self.credentials, logger: logger)
        let client = S3Client(
            configuration: configuration(bucket: bucket),
            credentials: provider,
            timeout: .seconds(10)
        )
        do {
            let result = try await body(client)
            await client.shutdown()
            await provider.shutdown()
            return result
        } catch {
            await client.shutdown()
            await provider.shutdown()
            throw error
        }
    }

    /// Creates `bucket`, with Object Lock enabled (and so versioning) when asked.
    func createBucket(_ bucket: String, objectLock: Bool) async throws {
        let reply = try await withClient(bucket: bucket) { client in
            try await client.send(
                method: .PUT,
                key: nil,
                headers: objectLock ? [("x-amz-bucket-object-lock-enabled", "true")] : []
            )
        }
        guard (200..<300).contains(reply.status) else {
            throw SyslogReceiver.HarnessError(
                "create bucket: HTTP \(reply.status) \(String(decoding: reply.body, as: UTF8.self))"
            )
        }
    }
}

/// Reading a bucket back, for assertions.
extension S3Client {
    /// The object's bytes.
    func get(_ key: String) async throws -> [UInt8] {
        let reply = try await send(method: .GET, key: key, replyLimit: 1 << 30)
        guard reply.status == 200 else { throw failure(reply, doing: "GET \(key)") }
        return reply.body
    }

    /// The object's headers (`HEAD`, with checksums).
    func head(_ key: String) async throws -> Reply {
        try await send(method: .HEAD, key: key, headers: [("x-amz-checksum-mode", "ENABLED")])
    }
}
