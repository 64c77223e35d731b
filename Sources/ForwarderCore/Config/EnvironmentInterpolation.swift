/// `${VAR}` substitution in configuration values.
///
/// Applied to each scalar value after YAML parsing, never to the raw text: a value that contains
/// `:` or `#` (a password, say) then cannot change the document's structure, and a problem can
/// name the key it came from.
///
/// - `${NAME}`: the variable's value; an unset variable is an error.
/// - `${NAME:-default}`: `default` when the variable is unset or empty.
/// - `${NAME-default}`: `default` when the variable is unset.
/// - `$$`: a literal `$`. A `$` not followed by `{` or `$` is kept as is.
enum EnvironmentInterpolation {
    /// The expanded text and whether any variable was substituted.
    struct Expansion: Hashable {
        var text: String
        var substituted: Bool
    }

    static func expand(_ text: String, environment: [String: String]) -> Result<Expansion, ConfigurationSyntax.Issue> {
        guard text.contains("$") else { return .success(Expansion(text: text, substituted: false)) }
        var output = ""
        var substituted = false
        var unset: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            guard text[next] == "{" else {
                output.append(character)
                index = next
                continue
            }
            let bodyStart = text.index(after: next)
            guard let close = text[bodyStart...].firstIndex(of: "}") else {
                return .failure(.init("unterminated ${ (write $$ for a literal $)"))
            }
            let body = text[bodyStart..<close]
            let nameEnd =
                body.firstIndex(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) })
                ?? body.endIndex
            let name = String(body[..<nameEnd])
            let rest = body[nameEnd...]
            guard let first = name.first, !first.isNumber else {
                return .failure(.init("invalid variable reference: expected ${NAME} or ${NAME:-default}"))
            }
            let value = environment[name]
            if rest.isEmpty {
                if let value {
                    output += value
                } else {
                    unset.append(name)
                }
            } else if rest.hasPrefix(":-") {
                output += (value?.isEmpty == false ? value : nil) ?? String(rest.dropFirst(2))
            } else if rest.hasPrefix("-") {
                output += value ?? String(rest.dropFirst())
            } else {
                return .failure(.init("invalid variable reference: expected ${NAME} or ${NAME:-default}"))
            }
            substituted = true
            index = text.index(after: close)
        }
        if !unset.isEmpty {
            let names = unset.joined(separator: ", ")
            let noun = unset.count == 1 ? "environment variable" : "environment variables"
            let verb = unset.count == 1 ? "is" : "are"
            return .failure(.init("\(noun) \(names) \(verb) not set (write ${\(unset[0]):-default} for a default)"))
        }
        return .success(Expansion(text: output, substituted: substituted))
    }
}
