import Foundation
import Testing

@testable import ForwarderCore

/// A fresh directory under the system temporary directory, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    // Resolve symlinks (macOS /var → /private/var) so path assertions compare like with like.
    return try body(url.resolvingSymlinksInPath().path)
}

/// Writes `contents` to `name` inside `directory`, creating subdirectories.
@discardableResult
func writeFile(
    _ name: String,
    in directory: String,
    contents: String = "-----BEGIN CERTIFICATE-----\n"
) throws -> String {
    let path = directory + "/" + name
    let parent = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// Loads `yaml` as if it were `forwarder.yaml` inside `directory`.
func load(
    _ yaml: String,
    in directory: String,
    environment: [String: String] = [:]
) throws(ConfigurationError) -> ConfigurationLoader.Loaded {
    try ConfigurationLoader.loadWithWarnings(
        yaml: yaml,
        baseDirectory: directory,
        environment: environment,
        file: directory + "/forwarder.yaml"
    )
}

/// The problems `yaml` produces; records a failure if it loads.
func problems(
    _ yaml: String,
    in directory: String,
    environment: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
) -> [ConfigurationProblem] {
    do {
        _ = try load(yaml, in: directory, environment: environment)
        Issue.record("expected the configuration to be rejected", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.problems
    }
}
