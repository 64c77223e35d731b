import ComplianceAPI
import Foundation
import MockComplianceAPI
import Testing

@testable import Forwarder

/// The built binary, as operators use it: exit statuses, messages, and no secret in any output.
@Suite struct CommandLineTests {
    static let secretKey = "sk-ant-api01-TOPSECRETVALUE-never-print"

    func writeConfig(_ directory: TemporaryDirectory, baseURL: String, extra: String = "") throws -> String {
        let yaml = """
            source:
              base_url: \(baseURL)
              api_key: ${TEST_COMPLIANCE_KEY}
              start: 2020-01-01T00:00:00Z
              poll_interval: 1s
            checkpoint:
              path: \(directory.path)/state/checkpoint.json
            sinks:
              - name: archive
                type: file
                format: ecs
                directory: \(directory.path)/archive
            server:
              listen: 127.0.0.1:0
            \(extra)
            """
        let path = directory.path + "/forwarder.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func validateReportsEveryProblemWithExitCode78() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/broken.yaml"
        try """
        source:
          base_url: https://api.anthropic.com
          api_key: \(Self.secretKey)
          page_size: 9000
          pol_interval: 30s
        checkpoint:
          path: ./state/checkpoint.json
        sinks: []
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try await ForwarderProcess.run(["validate", "--config", path])
        #expect(status == 78)
        #expect(output.contains("source.page_size"))
        #expect(output.contains("pol_interval"))
        #expect(!output.contains("TOPSECRETVALUE"))
    }

    @Test func aWrongKeyStopsWithExitCode69AndAHintButNeverTheKey() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await MockComplianceAPI.withRunning(configuration: .init(apiKey: "sk-ant-api01-the-right-key")) { mock in
            let config = try writeConfig(directory, baseURL: mock.baseURL)
            let (status, output) = try await ForwarderProcess.run(
                ["run", "--config", config],
                environment: ["TEST_COMPLIANCE_KEY": Self.secretKey]
            )
            #expect(status == 69)
            #expect(output.contains("404"))
            #expect(output.contains("Compliance Access Key"))
            #expect(!output.contains("TOPSECRETVALUE"), "\(output)")
        }
    }

    @Test func aCorruptCheckpointStopsWithARecoveryHintAndResetRecovers() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try writeConfig(directory, baseURL: "http://127.0.0.1:9")
        try FileManager.default.createDirectory(atPath: directory.path + "/state", withIntermediateDirectories: true)
        try "{\"format\":\"compliance-forwarder/checkpoint\",\"version\":1,\"crc32\":\"00000000\",\"bytes\":2}\n{}\n"
            .write(toFile: directory.path + "/state/checkpoint.json", atomically: true, encoding: .utf8)
        let environment = ["TEST_COMPLIANCE_KEY": Self.secretKey]
        let shown = try await ForwarderProcess.run(
            ["checkpoint", "show", "--config", config],
            environment: environment
        )
        #expect(shown.status == 65)
        #expect(shown.output.contains("checksum mismatch"))
        #expect(shown.output.contains("checkpoint reset"))
        let run = try await ForwarderProcess.run(["run", "--config", config], environment: environment)
        #expect(run.status == 65, "run refuses to start from a checkpoint it cannot trust")

        let reset = try await ForwarderProcess.run(
            ["checkpoint", "reset", "--config", config, "--since", "2026-01-02T03:04:05Z"],
            environment: environment
        )
        #expect(reset.status == 0)
        let after = try await ForwarderProcess.run(
            ["checkpoint", "show", "--config", config],
            environment: environment
        )
        #expect(after.status == 0)
        #expect(after.output.contains("2026-01-02T03:04:05.000Z"))
    }

    @Test func backfillDeliversExactlyTheRangeAndExits0() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = RFC3339Timestamp.now.adding(.seconds(-7200))
        try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            var inside: [String] = []
            for minute in 0..<30 {
                let id = mock.insert(type: "claude_chat_viewed", createdAt: base.adding(.seconds(Int64(minute) * 60)))
                if (10..<20).contains(minute) { inside.append(id) }
            }
            let config = try writeConfig(directory, baseURL: mock.baseURL)
            let (status, output) = try await ForwarderProcess.run(
                [
                    "backfill", "--config", config, "--since", base.adding(.seconds(600)).wireText,
                    "--until", base.adding(.seconds(1200)).wireText,
                ],
                environment: ["TEST_COMPLIANCE_KEY": Self.secretKey]
            )
            #expect(status == 0, "\(output)")
            #expect(try archivedIDs(directory.path + "/archive").sorted() == inside.sorted())
            #expect(!output.contains("TOPSECRETVALUE"))
            #expect(try store(directory).load() == nil, "a backfill never moves the live checkpoint")
        }
    }

    func store(_ directory: TemporaryDirectory) -> CheckpointStore {
        CheckpointStore(path: directory.path + "/state/checkpoint.json")
    }
}
