#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Removes a sink's credentials from text that came back from the network before it is logged
/// or written to a dead-letter file.
///
/// The sink itself never puts a credential in a message, but a receiver or a proxy can echo the
/// request (a debugging webhook that returns the headers it got, an error page quoting the
/// `Authorization` header). Replies are input; they are scrubbed like any input.
struct SecretScrubber: Sendable {
    private let secrets: [String]

    /// - Parameter secrets: Every credential the sink sends; the `Authorization` forms derived
    ///   from them should be included too (a Basic header is base64 of `user:password`).
    init(_ secrets: [String]) {
        // Very short values would match ordinary text; they are not credentials anyone ships.
        self.secrets = Array(Set(secrets.filter { $0.utf8.count >= 4 })).sorted { $0.utf8.count > $1.utf8.count }
    }

    /// `text` with every credential replaced by `<redacted>`.
    func scrub(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacing(secret, with: "<redacted>")
        }
        return text
    }

    /// Base64 of `user:password`, as sent in a Basic `Authorization` header.
    static func basicCredentials(username: String, password: String) -> String {
        Data("\(username):\(password)".utf8).base64EncodedString()
    }
}
