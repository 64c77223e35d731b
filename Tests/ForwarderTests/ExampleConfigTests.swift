import Foundation
import Testing

/// Every configuration under `examples/` passes `validate --strict` (no problems, no warnings).
///
/// Each example is copied into a scratch directory laid out as it would be deployed: the secret and
/// certificate files it names (relative to the configuration, as in the container images) are
/// created there, and `${VAR}` references get values, because `validate` checks that files exist.
@Suite("Example configurations")
struct ExampleConfigTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    /// The YAML files under `examples/` that are forwarder configurations (a top-level `source:`).
    static func configurations() throws -> [URL] {
        let files =
            FileManager.default.enumerator(at: examples, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        return try files.filter { url in
            guard url.pathExtension == "yaml" else { return false }
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            return lines.contains("source:") || lines.contains("sources:")
        }.sorted { $0.path < $1.path }
    }

    @Test func everyUseCaseHasAnExample() throws {
        let names = try Self.configurations().map { $0.path.dropFirst(Self.examples.path.count + 1) }
        for expected in [
            "forwarder.yaml", "splunk-hec.yaml", "elasticsearch.yaml", "syslog-rsyslog-mtls.yaml",
            "syslog-ng-mtls.yaml", "file-archive.yaml", "kubernetes/forwarder.yaml", "compose/forwarder.yaml",
            "otlp.yaml", "kubernetes-ha/forwarder.yaml", "several-organisations.yaml", "s3-object-lock.yaml",
        ] {
            #expect(names.contains(Substring(expected)), "examples/\(expected) is missing")
        }
    }

    @Test(arguments: try configurations())
    func passesStrictValidation(_ example: URL) async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = try String(contentsOf: example, encoding: .utf8)
        for file in Self.referencedFiles(in: text) {
            let contents = file.contains("compliance-access-key") ? "sk-ant-api01-example\n" : "placeholder\n"
            let path = directory.path + "/" + file
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        var environment: [String: String] = [:]
        for name in Self.environmentReferences(in: text) {
            environment[name] = name.contains("COMPLIANCE") ? "sk-ant-api01-example" : "example-value"
        }
        let config = directory.path + "/" + example.lastPathComponent
        try text.write(toFile: config, atomically: true, encoding: .utf8)

        let (status, output) = try await ForwarderProcess.run(
            ["validate", "--strict", "--config", config],
            environment: environment
        )
        #expect(status == 0, "\(example.lastPathComponent): \(output)")
        #expect(output.contains("configuration OK"))
    }

    /// Relative paths given to `*_file` keys (absolute ones would point outside the scratch directory).
    static func referencedFiles(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard let colon = content.firstIndex(of: ":") else { return nil }
            let key = content[..<colon].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["-", " "])
            let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard key.hasSuffix("_file"), !value.isEmpty, !value.hasPrefix("/"), !value.hasPrefix("$") else {
                return nil
            }
            return value
        }
    }

    /// Names in `${NAME}`, `${NAME:-default}` and `${NAME-default}`.
    static func environmentReferences(in text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = text[...]
        while let start = rest.range(of: "${") {
            let name = rest[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { names.insert(String(name)) }
            rest = rest[start.upperBound...]
        }
        return names
    }
}
