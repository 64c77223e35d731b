/// Why AWS credentials could not be found, read or fetched.
///
/// Callers decide by ``code`` and ``isRetryable``, never by parsing the message. Neither the
/// message nor the ``context`` ever holds a secret access key, a session token or a web identity
/// token: file errors name the file, line and profile, never the line's text; replies from STS or
/// the container endpoint are scrubbed of every credential the request carried.
public struct AWSCredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }

        /// No source in the chain had credentials.
        public static let notFound = Code("not_found")
        /// A source is set up wrongly: an unreadable or malformed credentials file, a missing
        /// profile, a half-set environment, an endpoint that is not allowed. Needs a person.
        public static let configuration = Code("configuration")
        /// STS or the container endpoint refused (invalid or expired web identity token, role not
        /// assumable, 4xx from the container agent). Needs a person.
        public static let refused = Code("refused")
        /// STS or the container endpoint could not be reached, timed out, throttled or failed
        /// (5xx). Retried.
        public static let unavailable = Code("unavailable")
        /// A success reply without usable credentials. Retried.
        public static let malformedReply = Code("malformed_reply")

        public var description: String { name }
    }

    public var code: Code
    /// What happened, for operators.
    public var message: String
    /// Where: `file`, `line`, `profile`, `endpoint`, `status`, `variable` as they apply.
    public var context: [String: String]

    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// Whether asking again can succeed without anyone changing anything.
    public var isRetryable: Bool { code == .unavailable || code == .malformedReply }

    public var description: String {
        let where_ = context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return "AWS credentials (\(code)): \(message)" + (where_.isEmpty ? "" : " [\(where_)]")
    }
}
