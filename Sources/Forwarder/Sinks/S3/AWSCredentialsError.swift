import ComplianceAPI

/// Why AWS credentials could not be found, read or fetched.
///
/// Callers decide by `code` and `isRetryable`, never by parsing the message. Neither the
/// message nor the context ever holds a secret access key, a session token or a web identity
/// token: file errors name the file, line and profile, never the line's text; replies from STS or
/// the container endpoint are scrubbed of every credential the request carried.
public typealias AWSCredentialsError = ForwarderError<AWSCredentialsFailure>

/// Where an AWS credentials failure happened: `file`, `line`, `profile`, `endpoint`, `status`,
/// `variable` as they apply (`error.context["file"]`).
public struct AWSCredentialsFailure: ErrorDomain {
    public var details: [String: String]

    public subscript(key: String) -> String? { details[key] }

    /// Asking again can succeed when the endpoint was unreachable or answered nonsense.
    public static func isRetryable(_ error: AWSCredentialsError) -> Bool {
        error.code == .unavailable || error.code == .malformedReply
    }

    public static func describe(_ error: AWSCredentialsError) -> String {
        let place = error.context.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: ", ")
        return "AWS credentials (\(error.code)): \(error.message)" + (place.isEmpty ? "" : " [\(place)]")
    }
}

extension AWSCredentialsError {
    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.init(code: code, message: message, context: AWSCredentialsFailure(details: context))
    }
}

extension AWSCredentialsError.Code {
    /// No source in the chain had credentials.
    public static var notFound: Self { Self("not_found") }
    /// A source is set up wrongly: an unreadable or malformed credentials file, a missing
    /// profile, a half-set environment, an endpoint that is not allowed. Needs a person.
    public static var configuration: Self { Self("configuration") }
    /// STS or the container endpoint refused (invalid or expired web identity token, role not
    /// assumable, 4xx from the container agent). Needs a person.
    public static var refused: Self { Self("refused") }
    /// STS or the container endpoint could not be reached, timed out, throttled or failed
    /// (5xx). Retried.
    public static var unavailable: Self { Self("unavailable") }
    /// A success reply without usable credentials. Retried.
    public static var malformedReply: Self { Self("malformed_reply") }
}
