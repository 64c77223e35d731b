import Foundation
import Testing

@testable import ForwarderCore

/// `signing_key_file`: a readable key in the `archive keygen` format, owner-only, never echoed.
@Suite struct ConfigSigningKeyTests {
    static let key = Data(repeating: 7, count: 32).base64EncodedString()

    func yaml(_ keyPath: String) -> String {
        BrokenConfiguration.sinks("  - { name: a, type: file, directory: archive, signing_key_file: \(keyPath) }")
    }

    func writeKey(_ contents: String, mode: Int, in directory: String) throws -> String {
        let path = try writeFile("keys/archive-signing.key", in: directory, contents: contents)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func anOwnerOnlyKeyLoads() throws {
        try withTemporaryDirectory { directory in
            let path = try writeKey(Self.key + "\n", mode: 0o600, in: directory)
            let loaded = try load(yaml(path), in: directory)
            guard case .file(let file) = loaded.configuration.sinks[0].destination else {
                Issue.record("not a file sink")
                return
            }
            #expect(file.signingKeyFile == path)
            #expect(!loaded.warnings.contains { $0.path.contains("signing_key_file") })
        }
    }

    @Test func aKeyOthersCanReadIsRefusedWithoutEchoingIt() throws {
        try withTemporaryDirectory { directory in
            let path = try writeKey(Self.key, mode: 0o644, in: directory)
            let found = problems(yaml(path), in: directory)
            #expect(found.contains { $0.path == "sinks[0].signing_key_file" && "\($0)".contains("chmod 600") })
            #expect(!found.contains { "\($0)".contains(Self.key) })
        }
    }

    @Test func somethingElseThanAKeyAndAMissingFileAreRefused() throws {
        try withTemporaryDirectory { directory in
            let path = try writeKey("-----BEGIN PRIVATE KEY-----\n", mode: 0o600, in: directory)
            #expect(problems(yaml(path), in: directory).contains { "\($0)".contains("not an archive signing key") })
            #expect(
                problems(yaml(directory + "/nope.key"), in: directory).contains { "\($0)".contains("file not found") }
            )
        }
    }
}
