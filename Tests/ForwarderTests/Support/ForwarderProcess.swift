import Foundation

/// The built `compliance-forwarder` executable, run as a child process.
struct ForwarderProcess {
    /// The executable next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundleDirectory.appendingPathComponent("compliance-forwarder")
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable.path) }

    let process: Process
    let output: URL

    /// Starts `compliance-forwarder arguments…`, with stdout and stderr appended to `output`.
    static func start(
        _ arguments: [String],
        output: URL,
        environment: [String: String] = [:]
    ) throws -> ForwarderProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if !FileManager.default.fileExists(atPath: output.path) {
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: output)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return ForwarderProcess(process: process, output: output)
    }

    /// Runs to completion and returns the exit status and everything it printed.
    ///
    /// Waits without blocking a thread of the cooperative pool: an in-process mock the child talks
    /// to needs those threads to answer.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cf-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let child = try start(arguments, output: output, environment: environment)
        guard try await child.waitForExit(timeout: .seconds(120)) != nil else {
            child.signal(SIGKILL)
            throw CancellationError()
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return (child.process.terminationStatus, text)
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end (without blocking a cooperative thread for long).
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }
}
