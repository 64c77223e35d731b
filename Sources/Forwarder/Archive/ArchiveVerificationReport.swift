import ComplianceAPI

/// One finding of `archive verify`, naming the file and the check that found it.
public struct ArchiveProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        /// The archive is tampered with or incomplete.
        case error
        /// Not proof of tampering, but weaker evidence than it could be (an unsigned chain…).
        case warning
        /// Expected and explained (a segment removed by the retention policy…).
        case note
    }

    public var severity: Severity
    /// The file concerned (a name inside the archive directory).
    public var file: String
    /// The check, e.g. `segment-sha256`, `signature`, `chain-link` (docs/archive.md lists them).
    public var check: String
    public var message: String

    public init(_ severity: Severity, file: String, check: String, _ message: String) {
        self.severity = severity
        self.file = file
        self.check = check
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(file): \(check): \(message)" }
}

/// What `archive verify` found.
public struct ArchiveVerificationReport: Sendable {
    public var directory: String
    public var problems: [ArchiveProblem] = []
    /// Segments whose content was checked.
    public var segmentsChecked = 0
    /// Records in those segments.
    public var recordsChecked = 0
    /// Manifests whose links and signatures were checked.
    public var manifestsChecked = 0
    /// Fingerprints of the keys that signed the manifests.
    public var signingKeys: [String] = []

    /// No problem of severity `error`.
    public var isIntact: Bool { !problems.contains { $0.severity == .error } }

    public var errors: [ArchiveProblem] { problems.filter { $0.severity == .error } }

    mutating func add(_ severity: ArchiveProblem.Severity, _ file: String, _ check: String, _ message: String) {
        problems.append(ArchiveProblem(severity, file: file, check: check, message))
    }

    /// The human-readable report.
    public var text: String {
        var lines: [String] = []
        let errorCount = errors.count
        lines.append(
            isIntact
                ? "archive \(directory): INTACT"
                : "archive \(directory): TAMPERED OR INCOMPLETE (\(errorCount) problem\(errorCount == 1 ? "" : "s"))"
        )
        for problem in problems { lines.append("  " + problem.description) }
        lines.append(
            "checked \(segmentsChecked) segment(s), \(recordsChecked) record(s), \(manifestsChecked) manifest(s); "
                + "signing key(s): \(signingKeys.isEmpty ? "none" : signingKeys.joined(separator: ", "))"
        )
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON document (for automation).
    public var json: String {
        let value: JSONValue = .object([
            "directory": .string(directory),
            "status": .string(isIntact ? "intact" : "tampered_or_incomplete"),
            "segments_checked": .number(String(segmentsChecked)),
            "records_checked": .number(String(recordsChecked)),
            "manifests_checked": .number(String(manifestsChecked)),
            "signing_keys": .array(signingKeys.map(JSONValue.string)),
            "problems": .array(
                problems.map {
                    .object([
                        "severity": .string($0.severity.rawValue), "file": .string($0.file),
                        "check": .string($0.check), "message": .string($0.message),
                    ])
                }
            ),
        ])
        return String(decoding: CanonicalJSON.serialize(value), as: UTF8.self)
    }
}

/// The archive could not be read at all (as opposed to read and found wanting).
public struct ArchiveReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
