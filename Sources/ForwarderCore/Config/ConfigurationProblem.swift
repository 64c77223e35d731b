/// One thing wrong with a configuration file: where it is and what is wrong.
///
/// The ``path`` uses the file's own key names (`sinks[1].tls.ca_file`, zero-based list indices),
/// so a reader can find the key without knowing this program's types. Messages never contain a
/// secret value.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The key path, e.g. `source.page_size`; empty for the document as a whole.
    public var path: String
    /// What is wrong, e.g. `must be between 1 and 5000, got 9000`.
    public var message: String
    /// The 1-based line in the file, when known.
    public var line: Int?

    /// - Parameters:
    ///   - path: The key path; empty for the whole document.
    ///   - message: What is wrong; must not contain secret values.
    ///   - line: The 1-based line, when known.
    public init(path: String, message: String, line: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
    }

    /// `sinks[1].tls.ca_file: file not found: /etc/x.pem (line 12)`.
    public var description: String {
        var text = path.isEmpty ? message : "\(path): \(message)"
        if let line { text += " (line \(line))" }
        return text
    }
}
