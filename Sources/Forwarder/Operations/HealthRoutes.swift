import NIOHTTP1
import Prometheus

/// What the observability server answers, separate from the socket handling.
struct HealthRoutes: Sendable {
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var contentType: String
        var body: [UInt8]

        static func text(_ status: HTTPResponseStatus, _ text: String) -> Reply {
            Reply(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        }
    }

    let registry: PrometheusCollectorRegistry
    let readiness: Readiness

    func reply(method: HTTPMethod, uri: String) -> Reply {
        let path =
            uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard ["/metrics", "/healthz", "/readyz"].contains(path) else { return .text(.notFound, "not found\n") }
        guard method == .GET || method == .HEAD else { return .text(.methodNotAllowed, "method not allowed\n") }
        switch path {
        case "/metrics":
            return Reply(
                status: .ok,
                contentType: "text/plain; version=0.0.4; charset=utf-8",
                body: registry.emitToBuffer()
            )
        case "/healthz":
            return .text(.ok, "ok\n")
        default:
            let problems = readiness.problems()
            if problems.isEmpty { return .text(.ok, "ready\n") }
            return .text(.serviceUnavailable, "not ready\n" + problems.map { "- \($0)\n" }.joined())
        }
    }
}
