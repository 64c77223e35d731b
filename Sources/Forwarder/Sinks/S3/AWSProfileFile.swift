#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One AWS shared configuration file (`~/.aws/credentials` or `~/.aws/config`), parsed as the AWS
/// CLI and SDKs read it: `[section]` headers, `name = value` properties, `#` and `;` comment lines,
/// and indented lines that continue the property above (sub-properties such as `s3 =`).
///
/// In the credentials file a section is named after its profile (`[prod]`); in the config file
/// it is `[profile prod]`, except `[default]`. Other config sections (`[sso-session …]`,
/// `[services …]`) are kept under their full name and never match a profile.
///
/// Errors name the file and the line, never the line's text: the line may hold a secret.
struct AWSProfileFile: Sendable {
    /// A section's properties, names lower-cased, with the line of its header.
    struct Section: Sendable {
        var line: Int
        var properties: [String: String]
    }

    enum Kind: Sendable {
        case credentials
        case config
    }

    let path: String
    let kind: Kind
    /// Sections by profile name (config: without the `profile ` prefix).
    private(set) var sections: [String: Section] = [:]

    /// Parses `text`, read from `path`.
    init(parsing text: String, path: String, kind: Kind) throws(AWSCredentialsError) {
        self.path = path
        self.kind = kind
        var current: String?
        var lastProperty: String?
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                current = try sectionName(line, number: number)
                lastProperty = nil
                if let current, sections[current] == nil { sections[current] = Section(line: number, properties: [:]) }
                continue
            }
            if rawLine.first?.isWhitespace == true, lastProperty != nil {
                continue  // a sub-property of the property above (`s3 =` then `  max_concurrent_requests = 20`)
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw failure("expected `[profile]` or `name = value`", line: number)
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else { throw failure("a property without a name", line: number) }
            guard let section = current else {
                throw failure("a property before the first `[profile]` header", line: number)
            }
            sections[section]?.properties[name] = line[line.index(after: equals)...]
                .trimmingCharacters(in: .whitespaces)
            lastProperty = name
        }
    }

    /// Reads and parses the file at `path`; `nil` when there is no such file.
    static func load(path: String, kind: Kind) throws(AWSCredentialsError) -> AWSProfileFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AWSCredentialsError(.configuration, "cannot read the AWS \(kind) file", context: ["file": path])
        }
        return try AWSProfileFile(parsing: String(decoding: data, as: UTF8.self), path: path, kind: kind)
    }

    /// The section of profile `name`.
    func profile(_ name: String) -> Section? {
        sections[name]
    }

    /// The profile a section header names; `nil` for config sections that are not profiles.
    private func sectionName(_ line: String, number: Int) throws(AWSCredentialsError) -> String? {
        var header = Substring(line)
        // A comment may follow the closing bracket: `[prod] # production`.
        if let comment = header.firstIndex(where: { $0 == "#" || $0 == ";" }), let close = header.lastIndex(of: "]"),
            comment > close
        {
            header = header[..<comment]
        }
        header = header.drop { $0 == " " }
        while header.last == " " { header = header.dropLast() }
        guard header.hasSuffix("]"), header.count > 2 else {
            throw failure("a section header without its closing `]`", line: number)
        }
        let name = header.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw failure("an empty section name", line: number) }
        guard kind == .config else { return name }
        if name == "default" { return name }
        let words = name.split(separator: " ", maxSplits: 1)
        guard words.count == 2, words[0] == "profile" else { return "[\(name)]" }
        return words[1].trimmingCharacters(in: .whitespaces)
    }

    private func failure(_ message: String, line: Int) -> AWSCredentialsError {
        AWSCredentialsError(
            .configuration,
            "malformed AWS \(kind) file: \(message)",
            context: ["file": path, "line": String(line)]
        )
    }
}
