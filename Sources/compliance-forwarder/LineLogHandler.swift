import ComplianceAPI
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one line per log record to standard error: logfmt on a terminal (readable), JSON
/// otherwise (for journald, Docker and log shippers).
struct LineLogHandler: LogHandler {
    enum Format: Sendable {
        case logfmt
        case json
    }

    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level
    let label: String
    let format: Format

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// `auto` means logfmt when standard error is a terminal.
    static func format(named name: String) -> Format {
        switch name {
        case "json": .json
        case "logfmt": .logfmt
        default: isatty(STDERR_FILENO) != 0 ? .logfmt : .json
        }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = RFC3339Timestamp.now.formatted(fractionDigits: 3)
        var line: String
        switch format {
        case .logfmt:
            line = "time=\(time) level=\(event.level) msg=\(Self.logfmtValue(event.message.description))"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                line += " \(key)=\(Self.logfmtValue("\(value)"))"
            }
        case .json:
            var writer = JSONWriter()
            writer.writeRaw("{")
            writer.writeKey("time")
            writer.writeString(time)
            writer.writeRaw(",")
            writer.writeKey("level")
            writer.writeString("\(event.level)")
            writer.writeRaw(",")
            writer.writeKey("logger")
            writer.writeString(label)
            writer.writeRaw(",")
            writer.writeKey("msg")
            writer.writeString(event.message.description)
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                writer.writeRaw(",")
                writer.writeKey(key)
                writer.writeString("\(value)")
            }
            writer.writeRaw("}")
            line = writer.text
        }
        line += "\n"
        TerminalStatusLine.shared.observe(message: event.message.description, metadata: merged)
        TerminalStatusLine.shared.writeLog(Array(line.utf8))
    }

    private static func logfmtValue(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        guard needsQuotes else { return text }
        var escaped = "\""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }
}

/// Bootstraps logging once per process (only the executable does this).
enum LoggingSetup {
    static func bootstrap(level: String, format: String) {
        let parsedLevel = Logger.Level(rawValue: level) ?? .info
        let parsedFormat = LineLogHandler.format(named: format)
        LoggingSystem.bootstrap { label in
            LineLogHandler(logLevel: parsedLevel, label: label, format: parsedFormat)
        }
    }
}
