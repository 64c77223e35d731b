import ComplianceAPI
import Foundation
import MockComplianceAPI

@testable import Forwarder

/// A signed archive written by the real binary's `backfill` with many rotations, made once and
/// copied for each test that tampers with it.
enum ArchiveFixture {
    struct Archive: Sendable {
        /// The pristine archive (never modified: copy it first).
        var directory: String
        var publicKeyFile: String
        var privateKeyFile: String
        var publicKey: String
        var recordIDs: [String]
        var backfillStatus: Int32
        var backfillOutput: String
        /// The mock the archive was written from (deterministic: the same configuration serves
        /// the same records again) and the backfill's range.
        var mockConfiguration: MockComplianceAPI.Configuration
        var since: RFC3339Timestamp
        var until: RFC3339Timestamp
    }

    static let shared = Task<Archive, any Error> { try await make() }

    private static func make() async throws -> Archive {
        let root = try TemporaryDirectory().path
        let now = RFC3339Timestamp.now
        let mockConfiguration = MockComplianceAPI.Configuration(
            backlog: 3000,
            backlogSpan: .seconds(4 * 3600),
            backlogEnd: now.adding(.seconds(-3600)),
            liveRate: 0,
            recordAccess: false
        )
        return try await MockComplianceAPI.withRunning(configuration: mockConfiguration) { mock in
            let keygen = try await ForwarderProcess.run(["archive", "keygen", "--out", root + "/keys"])
            guard keygen.status == 0 else { throw ArchiveFixtureError(message: keygen.output) }
            let yaml = """
                source:
                  base_url: \(mock.baseURL)
                  api_key: sk-ant-api01-archive-test
                  start: 2020-01-01T00:00:00Z
                  page_size: 100
                checkpoint:
                  path: \(root)/state/checkpoint.json
                sinks:
                  - name: archive
                    type: file
                    format: ecs
                    directory: \(root)/archive
                    rotate: { max_bytes: 1KiB, max_age: 1h }
                    signing_key_file: \(root)/keys/archive-signing.key
                server:
                  listen: 127.0.0.1:0
                """
            try yaml.write(toFile: root + "/forwarder.yaml", atomically: true, encoding: .utf8)
            let backfill = try await ForwarderProcess.run([
                "backfill", "--config", root + "/forwarder.yaml",
                "--since", now.adding(.seconds(-6 * 3600)).wireText, "--until", now.wireText,
            ])
            let publicKeyFile = root + "/keys/archive-signing.pub"
            return Archive(
                directory: root + "/archive",
                publicKeyFile: publicKeyFile,
                privateKeyFile: root + "/keys/archive-signing.key",
                publicKey: try ArchiveKeyFiles.loadPublicKey(path: publicKeyFile),
                recordIDs: mock.allIDs(),
                backfillStatus: backfill.status,
                backfillOutput: backfill.output,
                mockConfiguration: mockConfiguration,
                since: now.adding(.seconds(-6 * 3600)),
                until: now
            )
        }
    }

    /// A copy of the pristine archive to tamper with.
    static func copy(_ archive: Archive) throws -> TemporaryDirectory {
        let copy = try TemporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: archive.directory) {
            try FileManager.default.copyItem(atPath: archive.directory + "/" + name, toPath: copy.path + "/" + name)
        }
        return copy
    }

    /// The sealed segments of a directory, oldest first.
    static func segments(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".gz") }.sorted()
    }
}

struct ArchiveFixtureError: Error {
    var message: String
}
