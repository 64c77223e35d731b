/// The process exit statuses of `compliance-forwarder`, defined in one place so that scripts,
/// systemd units (`RestartPreventExitStatus=`) and docs agree.
///
/// Values follow BSD `sysexits.h` where one fits, because service managers and operators already
/// know them: a configuration error is `78` (`EX_CONFIG`), which a supervisor should not restart
/// in a loop, while `75` (`EX_TEMPFAIL`) says "try again later".
public struct ForwarderExitCode: Sendable, Hashable, CustomStringConvertible {
    /// The numeric status passed to `exit`.
    public let rawValue: Int32

    private init(_ rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// `0`: the command did what was asked.
    public static let success = ForwarderExitCode(0)
    /// `1`: an unexpected failure without a more specific code.
    public static let failure = ForwarderExitCode(1)
    /// `64` (`EX_USAGE`): wrong command-line arguments.
    public static let usage = ForwarderExitCode(64)
    /// `65` (`EX_DATAERR`): input data is unusable, e.g. a corrupt checkpoint file.
    public static let dataInvalid = ForwarderExitCode(65)
    /// `69` (`EX_UNAVAILABLE`): the upstream refused us for good (wrong key, missing scope).
    public static let unavailable = ForwarderExitCode(69)
    /// `74` (`EX_IOERR`): a local file could not be read or written.
    public static let ioError = ForwarderExitCode(74)
    /// `75` (`EX_TEMPFAIL`): a temporary failure; running again later may succeed.
    public static let temporaryFailure = ForwarderExitCode(75)
    /// `78` (`EX_CONFIG`): the configuration file is invalid. Restarting will not help.
    public static let configurationInvalid = ForwarderExitCode(78)

    public var description: String { String(rawValue) }
}
