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
    /// The comparison with the API's listing (`--against-api`), when it was made.
    public var apiComparison: ArchiveAPIComparison.Summary?

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
        if let api = apiComparison {
            lines.append(
                "against the API: \(api.listed) record(s) listed in [\(api.since), \(api.until)) in \(api.requests) "
                    + "request(s), \(api.archived) archived in the window; \(api.missing) missing from the archive, "
                    + "\(api.unknown) unknown to the API, \(api.unverifiable) unverifiable, \(api.undecodable) undecodable"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON document (for automation).
    public var json: String {
        var object: JSONObject = [
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
        ]
        if let api = apiComparison {
            object["api"] = .object([
                "since": .string(api.since.description), "until": .string(api.until.description),
                "listed": .number(String(api.listed)), "requests": .number(String(api.requests)),
                "archived": .number(String(api.archived)), "missing": .number(String(api.missing)),
                "unknown": .number(String(api.unknown)), "unverifiable": .number(String(api.unverifiable)),
                "undecodable": .number(String(api.undecodable)),
            ])
        }
        return String(decoding: CanonicalJSON.serialize(.object(object)), as: UTF8.self)
    }
}

/// The archive could not be read at all (as opposed to read and found wanting).
public struct ArchiveReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
