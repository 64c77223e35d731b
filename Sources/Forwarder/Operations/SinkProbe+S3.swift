import ComplianceAPI
import ForwarderCore
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SinkProbe {
    /// Probes an S3 bucket without writing to it: credentials are found, the endpoint answers,
    /// `HEAD` of the bucket succeeds (it exists and the credentials may use it), and with
    /// `object_lock` the bucket's Object Lock configuration says `Enabled`. Each failure carries
    /// a hint. A probe object is never written: under compliance-mode retention it could never
    /// be deleted.
    static func probeS3(
        _ s3: ForwarderConfiguration.S3Sink,
        timeout: Duration,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> Result {
        if let problem = WritableDirectory.problem(s3.spoolDirectory) {
            return Result(outcome: .localIO, detail: "spool_directory: \(problem)")
        }
        let source: AWSCredentialSource
        do {
            source = try AWSCredentialResolver(environment: environment).resolve()
        } catch {
            return Result(outcome: .misconfigured, detail: "\(error)")
        }
        let provider = AWSCredentialsProvider(source: source, timeout: timeout, logger: Logger(label: "check"))
        let client = S3Client(configuration: s3, credentials: provider, timeout: timeout)
        let result = await probe(client, s3)
        await client.shutdown()
        await provider.shutdown()
        return result
    }

    private static func probe(_ client: S3Client, _ s3: ForwarderConfiguration.S3Sink) async -> Result {
        let target = client.describe(nil)
        do {
            let head = try await client.send(method: .HEAD, key: nil)
            guard (200..<300).contains(head.status) else {
                return judgeS3(head.status, target: target, region: s3.region, what: "HEAD bucket")
            }
            guard let lock = s3.objectLock else {
                return Result(outcome: .passed, detail: "\(target): bucket reachable, credentials accepted")
            }
            let configuration = try await client.send(method: .GET, key: nil, query: "object-lock=")
            let text = String(decoding: configuration.body, as: UTF8.self)
            if configuration.status == 404
                || AWSXMLLeaves.first("Code", in: text)
                    == "ObjectLockConfigurationNotFoundError"
            {
                return Result(
                    outcome: .misconfigured,
                    detail:
                        "\(target): Object Lock is not enabled on the bucket (object_lock needs a bucket created with "
                        + "Object Lock; it cannot be turned on for every existing bucket)"
                )
            }
            guard (200..<300).contains(configuration.status) else {
                return judgeS3(configuration.status, target: target, region: s3.region, what: "GET ?object-lock")
            }
            guard AWSXMLLeaves.first("ObjectLockEnabled", in: text) == "Enabled" else {
                return Result(outcome: .misconfigured, detail: "\(target): Object Lock is not enabled on the bucket")
            }
            return Result(
                outcome: .passed,
                detail:
                    "\(target): bucket reachable, credentials accepted, Object Lock enabled (objects written in "
                    + "\(lock.mode) mode; uploads need s3:PutObject and s3:PutObjectRetention)"
            )
        } catch {
            let outcome: Result.Outcome = error.code == .credentials ? .misconfigured : .unreachable
            return Result(outcome: outcome, detail: "\(target): \(error)")
        }
    }

    /// A refused `HEAD` has no body: the status alone says what is wrong.
    static func judgeS3(_ status: Int, target: String, region: String, what: String) -> Result {
        switch status {
        case 301, 307, 400:
            return Result(
                outcome: .misconfigured,
                detail: "\(target): \(what) answered HTTP \(status) (is region '\(region)' the bucket's region?)"
            )
        case 401, 403:
            return Result(
                outcome: .misconfigured,
                detail:
                    "\(target): \(what) refused (HTTP \(status)): check the credentials and that they allow "
                    + "s3:ListBucket, s3:PutObject (and s3:PutObjectRetention, s3:GetBucketObjectLockConfiguration "
                    + "with object_lock)"
            )
        case 404:
            return Result(
                outcome: .misconfigured,
                detail: "\(target): no such bucket (check bucket, endpoint and path_style)"
            )
        default:
            return Result(outcome: .unreachable, detail: "\(target): \(what) answered HTTP \(status)")
        }
    }
}
