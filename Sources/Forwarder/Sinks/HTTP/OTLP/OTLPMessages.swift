import SwiftProtobuf

// Short names for the generated OTLP messages (Generated/, from proto/ by scripts/generate-otlp.sh).
typealias OTLPExportLogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
typealias OTLPExportLogsResponse = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse
typealias OTLPResourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs
typealias OTLPScopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs
typealias OTLPLogRecord = Opentelemetry_Proto_Logs_V1_LogRecord
typealias OTLPSeverityNumber = Opentelemetry_Proto_Logs_V1_SeverityNumber
typealias OTLPResource = Opentelemetry_Proto_Resource_V1_Resource
typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias OTLPAnyValue = Opentelemetry_Proto_Common_V1_AnyValue
typealias OTLPArrayValue = Opentelemetry_Proto_Common_V1_ArrayValue
typealias OTLPInstrumentationScope = Opentelemetry_Proto_Common_V1_InstrumentationScope

extension JSONEncodingOptions {
    /// The OTLP/JSON mapping: lowerCamelCase field names (swift-protobuf's default) and enum
    /// values as integers ("OTLP/JSON", OTLP specification).
    static var otlp: JSONEncodingOptions {
        var options = JSONEncodingOptions()
        options.alwaysPrintEnumsAsInts = true
        options.preserveProtoFieldNames = false
        return options
    }
}

extension JSONDecodingOptions {
    /// Receivers must ignore unknown fields, and so does the sink reading their replies.
    static var otlp: JSONDecodingOptions {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        return options
    }
}
