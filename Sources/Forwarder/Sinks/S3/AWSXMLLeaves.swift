/// Reads leaf elements of the small XML documents STS and S3 answer with.
///
/// Not an XML parser: it finds `<Name>text</Name>` (or `<Name attr="…">`) and decodes the five
/// predefined entities and numeric character references. That is all these replies need, and it
/// keeps FoundationXML (and libxml2) out of the binary.
enum AWSXMLLeaves {
    /// The decoded text of the first element called `name`, `nil` when there is none.
    static func first(_ name: String, in xml: String) -> String? {
        var searchStart = xml.startIndex
        while let open = xml.range(of: "<\(name)", range: searchStart..<xml.endIndex) {
            searchStart = open.upperBound
            guard let next = xml[open.upperBound...].first, next == ">" || next == " " || next == "\t" || next == "\n",
                let tagEnd = xml[open.upperBound...].firstIndex(of: ">")
            else { continue }
            if xml[..<tagEnd].hasSuffix("/") { return "" }  // <Name/>
            let contentStart = xml.index(after: tagEnd)
            guard let close = xml.range(of: "</\(name)>", range: contentStart..<xml.endIndex) else { return nil }
            return decodeEntities(xml[contentStart..<close.lowerBound])
        }
        return nil
    }

    static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { return result + rest[amp...] }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let scalar =
                    entity.hasPrefix("#x")
                    ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let scalar = scalar.flatMap(Unicode.Scalar.init) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += rest[amp...semicolon]
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}
