import ArgumentParser
import AsyncHTTPClient
import ForwarderCore
import NIOCore

/// `compliance-forwarder health [--url …]`: exits 0 when the URL answers 200 (a Docker
/// `HEALTHCHECK` on an image without curl).
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Exit 0 when the observability server answers 200 (for HEALTHCHECK), 1 otherwise.",
        discussion: "Use --url http://127.0.0.1:9464/readyz to check readiness instead of liveness."
    )

    @Option(help: "The URL to request.") var url = "http://127.0.0.1:9464/healthz"
    @Option(help: "Seconds to wait for the answer.") var timeout: Double = 5

    func run() async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        do {
            let response = try await HTTPClient.shared.execute(
                request,
                timeout: .milliseconds(Int64(max(timeout, 0.1) * 1000))
            )
            let body = try await response.body.collect(upTo: 64 * 1024)
            let text = String(buffer: body).trimmingTrailingNewlines
            print("\(response.status.code) \(text)")
            if response.status.code != 200 { throw ExitCode(ForwarderExitCode.failure.rawValue) }
        } catch let error as ExitCode {
            throw error
        } catch {
            print("unreachable: \(url): \(error)")
            throw ExitCode(ForwarderExitCode.failure.rawValue)
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
