extension ForwarderConfiguration.HTTPSink {
    /// `mode: otlp`: OpenTelemetry logs over OTLP/HTTP to a collector (`url` is its base URL;
    /// `/v1/logs` is appended as `OTEL_EXPORTER_OTLP_ENDPOINT` does, unless the URL already ends
    /// with it).
    public struct OTLP: Sendable, Hashable {
        /// `encoding`: binary protobuf (the OTLP default) or OTLP/JSON.
        public var encoding: Encoding

        /// - Parameter encoding: Defaults to ``Encoding/protobuf``.
        public init(encoding: Encoding = .protobuf) {
            self.encoding = encoding
        }

        /// The signal path of OTLP/HTTP logs.
        public static let logsPath = "/v1/logs"

        /// `encoding`.
        public typealias Encoding = Choice<EncodingSpellings>
        public enum EncodingSpellings: ChoiceSpellings {
            public static let allCases: [Encoding] = [.protobuf, .json]
        }
    }
}

extension ForwarderConfiguration.HTTPSink.OTLP.Encoding {
    /// `application/x-protobuf`: `ExportLogsServiceRequest` in the protobuf binary format.
    public static var protobuf: Self { Self("protobuf") }
    /// `application/json`: the OTLP/JSON mapping (lowerCamelCase names, enums as integers,
    /// 64-bit integers as strings).
    public static var json: Self { Self("json") }
}
