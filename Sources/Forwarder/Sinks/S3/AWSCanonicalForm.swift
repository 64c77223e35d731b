#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The canonical forms of SigV4's canonical request: path, query and headers.
///
/// Inputs are wire forms (percent-encoded as sent); each is decoded and encoded again with
/// ``AWSSigner/uriEncode(_:keepingSlash:)``, so `%e1%88%b4`, `%E1%88%B4` and a raw `ሴ` all sign
/// the same way, as AWS's servers read them.
enum AWSCanonicalForm {
    /// S3: each segment encoded once, nothing normalised (`//` and `..` belong to the key).
    static func s3Path(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { AWSSigner.uriEncode(percentDecoded($0), keepingSlash: false) }
            .joined(separator: "/")
    }

    /// Other services: dot segments resolved and empty segments dropped (RFC 3986 §5.2.4), then
    /// the wire path encoded again, so `%20` signs as `%2520`.
    static func normalizedPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let last = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        let trailingSlash = !segments.isEmpty && (last.isEmpty || last == "." || last == "..")
        let normalized = "/" + segments.joined(separator: "/") + (trailingSlash ? "/" : "")
        return AWSSigner.uriEncode(normalized, keepingSlash: true)
    }

    /// Pairs sorted by encoded name, then encoded value; `name` alone becomes `name=`. A `+` is a
    /// plus sign, not a space (SigV4 requires spaces as `%20`).
    static func query(_ query: String) -> String {
        query.split(separator: "&")
            .map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = parts.count > 1 ? parts[1] : ""
                return (
                    AWSSigner.uriEncode(percentDecoded(parts[0]), keepingSlash: false),
                    AWSSigner.uriEncode(percentDecoded(value), keepingSlash: false)
                )
            }
            .sorted {
                $0.0 != $1.0
                    ? $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) : $0.1.utf8.lexicographicallyPrecedes($1.1.utf8)
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The canonical header block (each line `name:value\n`) and the `SignedHeaders` list: names
    /// lower-cased and sorted, values trimmed with inner runs of white space folded to one space,
    /// repeated names joined with `,` in their order.
    static func headers(_ headers: [(name: String, value: String)]) -> (canonical: String, signedNames: String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let folded = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0.isNewline })
                .joined(separator: " ")
            values[name.lowercased().trimmingWhitespace(), default: []].append(folded)
        }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let canonical = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    /// `%XX` sequences turned back into text. A string that does not decode (a `%` without two
    /// hex digits, bytes that are not UTF-8) is taken literally, so its `%` signs as `%25`.
    static func percentDecoded(_ text: Substring) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
