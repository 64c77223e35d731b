public import ComplianceAPI

extension ForwarderConfiguration.S3Sink {
    /// `prefix`: the start of every object key, e.g. `audit/{year}/{month}/{day}/`.
    ///
    /// Placeholders are `{sink}`, `{year}`, `{month}`, `{day}` and `{hour}` (UTC, zero-padded),
    /// filled from the segment's opening time, so a segment's key never depends on when it is
    /// uploaded (a re-upload after a crash goes to the same key).
    public struct KeyPrefix: Sendable, Hashable, CustomStringConvertible {
        /// The template as written.
        public let template: String

        /// `{sink}/{year}/{month}/{day}/`: one folder per sink and UTC day.
        public static let standard = KeyPrefix(checked: "{sink}/{year}/{month}/{day}/")

        /// The placeholders a template may use.
        public static let placeholders = ["sink", "year", "month", "day", "hour"]

        private init(checked template: String) { self.template = template }

        /// Checks `template`; the error says what is wrong with it.
        public static func parse(_ template: String) -> Result<KeyPrefix, KeyPrefixError> {
            if template.hasPrefix("/") { return .failure(KeyPrefixError("must not start with '/'")) }
            if template.utf8.count > 512 { return .failure(KeyPrefixError("must be at most 512 bytes")) }
            var rest = Substring(template)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else {
                    return .failure(KeyPrefixError("'{' without a closing '}'"))
                }
                let name = String(rest[rest.index(after: open)..<close])
                guard placeholders.contains(name) else {
                    return .failure(
                        KeyPrefixError(
                            "unknown placeholder {\(name)}; expected "
                                + placeholders.map { "{\($0)}" }.joined(separator: ", ")
                        )
                    )
                }
                rest = rest[rest.index(after: close)...]
            }
            if rest.contains("}") { return .failure(KeyPrefixError("'}' without an opening '{'")) }
            // S3's "safe characters" only: keys need no escaping in URLs, signatures, shells or
            // consoles, on every S3-compatible store.
            let safe = "/!-_.*'(){}".unicodeScalars
            for scalar in template.unicodeScalars
            where !(scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                && !safe.contains(scalar)
            {
                return .failure(
                    KeyPrefixError("may contain only letters, digits and / ! - _ . * ' ( ), got '\(scalar)'")
                )
            }
            if template.split(separator: "/", omittingEmptySubsequences: false).contains(where: {
                $0 == ".." || $0 == "."
            }) {
                return .failure(KeyPrefixError("must not contain '.' or '..' path segments"))
            }
            return .success(KeyPrefix(checked: template))
        }

        /// The prefix for a segment of sink `sink` opened at `time`.
        public func render(sink: String, at time: RFC3339Timestamp) -> String {
            let c = time.utcComponents
            func pad(_ value: Int64, _ width: Int) -> String {
                let digits = String(value)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            return
                template
                .replacingAll("{sink}", with: sink)
                .replacingAll("{year}", with: pad(c.year, 4))
                .replacingAll("{month}", with: pad(c.month, 2))
                .replacingAll("{day}", with: pad(c.day, 2))
                .replacingAll("{hour}", with: pad(c.hour, 2))
        }

        /// The fixed part before the first placeholder: where listing the bucket starts.
        public var staticPart: String {
            String(template.prefix { $0 != "{" })
        }

        public var description: String { template }
    }

    /// Why a `prefix` template was refused.
    public struct KeyPrefixError: Error, Sendable, Hashable {
        public let message: String
        init(_ message: String) { self.message = message }
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
