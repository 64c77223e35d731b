import Foundation
import Testing

@testable import ForwarderCore

/// `archive_anchors` (syslog and HTTP sinks) and `previous_signing_key_file` (file sinks): the
/// keys of docs/archive.md's anchoring and key rotation.
@Suite struct ConfigArchiveAnchorsTests {
    func sinks(_ text: String, in directory: String) throws -> [ForwarderConfiguration.Sink] {
        try load(BrokenConfiguration.sinks(text), in: directory).configuration.sinks
    }

    @Test func anchorsAreOnByDefaultAndCanBeTurnedOff() throws {
        try withTemporaryDirectory { directory in
            let loaded = try sinks(
                """
                  - { name: a, type: syslog, address: "siem:6514" }
                  - { name: b, type: syslog, address: "siem:6514", archive_anchors: false }
                  - { name: c, type: http, url: "https://hook.example.com/in" }
                  - { name: d, type: http, url: "https://hook.example.com/in", archive_anchors: false }
                """,
                in: directory
            )
            let flags = loaded.map { sink -> Bool? in
                switch sink.destination {
                case .syslog(let syslog): syslog.archiveAnchors
                case .http(let http): http.archiveAnchors
                case .file, .s3: nil
                }
            }
            #expect(flags == [true, false, true, false])
        }
    }

    @Test func aFileSinkHasNoAnchorsKey() throws {
        try withTemporaryDirectory { directory in
            let found = problems(
                BrokenConfiguration.sinks("  - { name: a, type: file, directory: out, archive_anchors: true }"),
                in: directory
            )
            #expect(found.contains { $0.path == "sinks[0].archive_anchors" && "\($0)".contains("syslog") }, "\(found)")
        }
    }

    @Test func previousSigningKeyFileLoadsAndNeedsTheNewKey() throws {
        try withTemporaryDirectory { directory in
            let key = Data(repeating: 7, count: 32).base64EncodedString() + "\n"
            var paths: [String] = []
            for name in ["new.key", "old.key"] {
                let path = try writeFile("keys/" + name, in: directory, contents: key)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
                paths.append(path)
            }
            let loaded = try sinks(
                """
                  - { name: a, type: file, directory: out, signing_key_file: \(paths[0]), previous_signing_key_file: \(paths[1]) }
                """,
                in: directory
            )
            guard case .file(let file) = loaded.first?.destination else {
                Issue.record("not a file sink")
                return
            }
            #expect(file.previousSigningKeyFile == paths[1])
            let alone = problems(
                BrokenConfiguration.sinks(
                    "  - { name: a, type: file, directory: out, previous_signing_key_file: \(paths[1]) }"
                ),
                in: directory
            )
            #expect(alone.contains { $0.path == "sinks[0].signing_key_file" })
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: paths[1])
            let readable = problems(
                BrokenConfiguration.sinks(
                    "  - { name: a, type: file, directory: out, signing_key_file: \(paths[0]), previous_signing_key_file: \(paths[1]) }"
                ),
                in: directory
            )
            #expect(
                readable.contains { $0.path == "sinks[0].previous_signing_key_file" && "\($0)".contains("chmod 600") }
            )
            #expect(!readable.contains { "\($0)".contains(key.trimmingCharacters(in: .newlines)) })
        }
    }
}
