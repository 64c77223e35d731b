/// One scalar value read from the file, after `${VAR}` interpolation, with where it came from.
struct ConfigurationScalar {
    /// The value after interpolation.
    var text: String
    /// Whether an environment variable contributed to ``text``.
    var substituted: Bool
    /// The key path.
    var path: String
    /// The 1-based line of the value.
    var line: Int?

    /// The value quoted for a message: `'cfe'`, or, when it came from the environment, only
    /// that fact, because a variable may hold a secret put in the wrong key.
    var quoted: String {
        substituted ? "a value from an environment variable" : "'\(text)'"
    }
}
