extension ConfigurationLoader {
    /// The keys of `mode: otlp` (besides the shared `url`, `headers`, `gzip`, `tls`, …).
    static let otlpKeys = ["encoding"]

    /// The `mode: otlp` settings.
    static func readOTLP(_ sink: ConfigurationMapping) -> HTTPSink.OTLP {
        HTTPSink.OTLP(encoding: sink.choice("encoding", default: HTTPSink.OTLP.Encoding.protobuf))
    }
}
