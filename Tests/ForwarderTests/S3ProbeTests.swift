import ForwarderCore
import Foundation
import Testing

@testable import Forwarder

/// `check` for an s3 sink, against `moto_server`: it passes for a bucket with Object Lock, and
/// says why it fails for a missing bucket, a bucket without Object Lock, an unreachable endpoint
/// and missing credentials. It never writes an object, and never prints the secret key.
@Suite(
    .serialized,
    .enabled(if: MotoS3Server.installed || SyslogReceiver.isCI, Comment(rawValue: MotoS3Server.skipMessage))
)
struct S3ProbeTests {
    static let lock = ForwarderConfiguration.S3Sink.ObjectLock(mode: .compliance, retain: .seconds(86_400))

    @Test func probesTheBucketWithoutWritingAndExplainsEachFailure() async throws {
        guard MotoS3Server.available() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let moto = try await MotoS3Server.start(logDirectory: directory.path)
        defer { moto.stop() }
        try await moto.createBucket("locked", objectLock: true)
        try await moto.createBucket("plain", objectLock: false)
        let spool = directory.path + "/spool"
        let environment = MotoS3Server.credentialsEnvironment
        func probe(_ configuration: ForwarderConfiguration.S3Sink) async -> SinkProbe.Result {
            await SinkProbe.probeS3(configuration, timeout: .seconds(5), environment: environment)
        }

        let passed = await probe(moto.configuration(bucket: "locked", spool: spool, objectLock: Self.lock))
        #expect(passed.outcome == .passed, "\(passed.detail)")
        #expect(passed.detail.contains("Object Lock enabled"))

        let plain = await probe(moto.configuration(bucket: "plain", spool: spool))
        #expect(plain.outcome == .passed, "\(plain.detail)")

        let unlocked = await probe(moto.configuration(bucket: "plain", spool: spool, objectLock: Self.lock))
        #expect(unlocked.outcome == .misconfigured)
        #expect(unlocked.detail.contains("Object Lock is not enabled"), "\(unlocked.detail)")

        let missing = await probe(moto.configuration(bucket: "no-such-bucket", spool: spool))
        #expect(missing.outcome == .misconfigured)
        #expect(missing.detail.contains("no such bucket"), "\(missing.detail)")

        var unreachable = moto.configuration(bucket: "locked", spool: spool)
        unreachable.endpoint = "http://127.0.0.1:9"
        #expect(await probe(unreachable).outcome == .unreachable)

        let noCredentials = await SinkProbe.probeS3(
            moto.configuration(bucket: "locked", spool: spool),
            timeout: .seconds(5),
            environment: ["HOME": directory.path]
        )
        #expect(noCredentials.outcome == .misconfigured)
        #expect(noCredentials.detail.contains("no AWS credentials"), "\(noCredentials.detail)")

        for result in [passed, plain, unlocked, missing] {
            #expect(!result.detail.contains(MotoS3Server.secretAccessKey))
        }
        // Nothing was written: both buckets are still empty.
        for bucket in ["locked", "plain"] {
            #expect(try await moto.withClient(bucket: bucket) { try await $0.listKeys() }.isEmpty)
        }
    }
}
