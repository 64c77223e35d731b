import Foundation

extension ConfigurationMapping {
    /// An `http`/`https` URL read from the file.
    struct HTTPURL {
        var text: String
        var isHTTPS: Bool
        var host: String

        /// Loopback traffic never leaves the machine, so cleartext there is acceptable.
        var isLoopback: Bool {
            host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
        }
    }

    /// An `http`/`https` URL with a host and no embedded credentials. Messages never repeat the
    /// URL: webhook URLs often carry a token in their path or query.
    func url(_ key: String, allowQuery: Bool) -> HTTPURL? {
        guard let text = string(key)?.trimmingWhitespace() else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            error(key, "expected an http:// or https:// URL with a host")
            return nil
        }
        if components.user != nil || components.password != nil {
            error(key, "must not contain credentials (user:password@); use the sink's credential keys")
            return nil
        }
        if components.fragment != nil {
            error(key, "must not contain a #fragment")
            return nil
        }
        if !allowQuery, components.query != nil {
            error(key, "must not contain a ?query")
            return nil
        }
        return HTTPURL(text: text, isHTTPS: scheme == "https", host: host)
    }

    /// The base URL of an API: as ``url(_:allowQuery:)``, without a trailing slash, and with a
    /// warning when a credential would travel in cleartext.
    func httpURL(_ key: String, allowQuery: Bool, secretsAttached: Bool) -> String? {
        guard let url = url(key, allowQuery: allowQuery) else { return nil }
        if secretsAttached, !url.isHTTPS, !url.isLoopback {
            warning(key, "credentials would be sent unencrypted over http://; use https://")
        }
        var text = url.text
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
