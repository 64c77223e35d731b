extension SyslogHeaderEncoder.Configuration {
    /// Every problem with these options, for the configuration loader to report at once; empty when
    /// valid. (The formatter itself never fails: it clamps and replaces, but a configuration that
    /// needs that is almost certainly a mistake.)
    public var validationProblems: [String] {
        var problems: [String] = []
        if !(0...23).contains(facility) { problems.append("facility must be 0–23, got \(facility)") }
        func checkHeader(_ value: String?, _ name: String, _ maxLength: Int) {
            guard let value else { return }
            if value.isEmpty || value.utf8.count > maxLength {
                problems.append("\(name) must be 1–\(maxLength) characters")
            }
            if !value.unicodeScalars.allSatisfy({ (33...126).contains($0.value) }) {
                problems.append("\(name) \"\(value)\" may contain only printable US-ASCII without spaces")
            }
        }
        checkHeader(hostname, "hostname", 255)
        checkHeader(appName, "app name", 48)
        checkHeader(procID, "procid", 128)
        let id = structuredDataID
        let nameIsValid =
            !id.isEmpty && id.utf8.count <= 32
            && id.unicodeScalars.allSatisfy { (33...126).contains($0.value) && !"= ]\"".unicodeScalars.contains($0) }
        if !nameIsValid {
            problems.append(
                "structured data id \"\(id)\" must be 1–32 printable US-ASCII characters without = ] \" or spaces"
            )
        }
        // Names without "@" are reserved for IANA (timeQuality, origin, meta).
        let parts = id.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty
            || !parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
        {
            problems.append("structured data id \"\(id)\" must be name@<private enterprise number>")
        }
        return problems
    }
}
