extension ForwarderConfiguration {
    /// `server`: the `/metrics`, `/healthz` and `/readyz` endpoint.
    public struct Server: Sendable, Hashable {
        /// `enabled`: `false` runs without the endpoint.
        public var isEnabled: Bool
        /// `listen`: host and port (port 0 picks a free one).
        public var listen: NetworkAddress

        /// - Parameters:
        ///   - isEnabled: Defaults to `true`.
        ///   - listen: Defaults to `127.0.0.1:9464`: metrics stay local unless asked otherwise.
        public init(isEnabled: Bool = true, listen: NetworkAddress = NetworkAddress(host: "127.0.0.1", port: 9464)) {
            self.isEnabled = isEnabled
            self.listen = listen
        }
    }
}
