import Foundation
import Testing

/// A real rsyslog or syslog-ng TLS receiver on 127.0.0.1, run by `scripts/syslog-receivers.sh`
/// in its own directory; what it received is read back from `received.log` (one JSON object per
/// message).
struct SyslogReceiver {
    enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case rsyslog
        case syslogNG = "syslog-ng"
        var description: String { rawValue }
    }

    /// One message as the receiver parsed it.
    struct Message {
        var msgid: String
        var sd: String
        var msg: String
        var hostname: String
        var appName: String
        var pri: String
    }

    let kind: Kind
    let directory: String
    let certificates: String
    let port: Int
    let mutualTLS: Bool
    var serverCertificate = "server"
    /// `tls`, `tcp` or `udp` (the last two: rsyslog only).
    var transport = "tls"

    static let script: String = {
        // Tests/ForwarderTests/Support/SyslogReceiver.swift → repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("scripts/syslog-receivers.sh").path
    }()

    /// Whether the receivers are installed. When they are not: skip locally, but fail under CI
    /// (`CI` set), where a missing receiver would otherwise hide a broken test setup.
    static let installed: Bool = (try? run([script, "install", "--check"]).status) == 0

    static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !value.isEmpty && value != "0" && value.lowercased() != "false"
    }

    /// `true` when the test should run; records a failure under CI when the receivers are missing.
    static func available() -> Bool {
        if installed { return true }
        if isCI {
            Issue.record(
                "syslog receivers are not installed but CI is set: run `scripts/syslog-receivers.sh install` first"
            )
        }
        return false
    }

    static let skipMessage =
        "rsyslog/syslog-ng not installed (run `sudo scripts/syslog-receivers.sh install`); skipped because CI is unset"

    /// Makes the test PKI in `directory` (CA, server for localhost, client, wrong CA/client).
    static func makeCertificates(in directory: String) throws {
        let result = try run([script, "certs", directory])
        guard result.status == 0 else { throw HarnessError("certs failed: \(result.output)") }
    }

    /// Starts a receiver on a free port, returning once it listens.
    static func start(
        _ kind: Kind,
        in directory: String,
        certificates: String,
        mutualTLS: Bool,
        serverCertificate: String = "server",
        transport: String = "tls"
    ) throws -> SyslogReceiver {
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let receiver = SyslogReceiver(
                kind: kind,
                directory: directory,
                certificates: certificates,
                port: port,
                mutualTLS: mutualTLS,
                serverCertificate: serverCertificate,
                transport: transport
            )
            do {
                try receiver.start()
                return receiver
            } catch {
                lastError = "\(error)"
            }
        }
        throw HarnessError("could not start \(kind): \(lastError)")
    }

    /// (Re)starts the receiver on its port, keeping `received.log`.
    func start() throws {
        var arguments = [Self.script, "start", kind.rawValue, directory, String(port), "--certs", certificates]
        if mutualTLS { arguments.append("--mtls") }
        arguments += ["--server-cert", serverCertificate, "--transport", transport]
        let result = try Self.run(arguments)
        guard result.status == 0 else { throw HarnessError("start \(kind) failed: \(result.output)") }
    }

    func stop() {
        _ = try? Self.run([Self.script, "stop", directory])
    }

    /// Every complete line of `received.log`, parsed.
    func messages() throws -> [Message] {
        guard let data = FileManager.default.contents(atPath: directory + "/received.log") else { return [] }
        // The receiver may be in the middle of writing a line: only complete lines are messages.
        let end = data.lastIndex(of: UInt8(ascii: "\n")).map { data.index(after: $0) } ?? data.startIndex
        let complete = data[..<end]
        var messages: [Message] = []
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw HarnessError("not a JSON object in \(directory)/received.log")
            }
            func field(_ key: String) -> String { object[key] as? String ?? "" }
            messages.append(
                Message(
                    msgid: field("msgid"),
                    sd: field("sd"),
                    msg: field("msg"),
                    hostname: field("hostname"),
                    appName: field("app_name"),
                    pri: field("pri")
                )
            )
        }
        return messages
    }

    /// The activity ids in the messages' structured data (`id="…"`), in arrival order.
    static func ids(in messages: [Message]) -> [String] {
        messages.compactMap { message in
            guard let start = message.sd.range(of: " id=\"") else { return nil }
            let rest = message.sd[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            return String(rest[..<end])
        }
    }

    /// Polls `received.log` until every id in `expected` arrived or `timeout` passes.
    func waitForIDs(_ expected: Set<String>, timeout: Duration = .seconds(120)) async throws -> [Message] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let messages = try messages()
            let seen = Set(Self.ids(in: messages))
            if expected.isSubset(of: seen) || ContinuousClock.now >= deadline { return messages }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    struct HarnessError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs a command, returning its exit status and combined output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
