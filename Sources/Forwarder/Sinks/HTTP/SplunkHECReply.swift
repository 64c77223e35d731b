import ComplianceAPI

/// A Splunk HEC reply body: `{"text":"Success","code":0,"ackId":7}` or
/// `{"text":"Invalid data format","code":6,"invalid-event-number":2}`.
///
/// Every field is optional: proxies and load balancers in front of HEC answer with their own
/// bodies, and a reply is input that must never crash the sink.
struct SplunkHECReply: Sendable, Equatable {
    var text: String?
    var code: Int?
    /// 0-based position of the event that failed; the ones before it were accepted.
    var invalidEventNumber: Int?
    /// The indexer acknowledgement id (only with a channel on an ack-enabled token).
    var indexerAckID: UInt64?

    /// `Splunk HEC code 6 (Invalid data format)`.
    var summary: String {
        switch (code, text) {
        case (let code?, let text?): "Splunk HEC code \(code) (\(text))"
        case (let code?, nil): "Splunk HEC code \(code)"
        case (nil, let text?): "Splunk HEC: \(text)"
        case (nil, nil): "Splunk HEC gave no status code"
        }
    }

    /// The reply to `POST /services/collector/ack`: `{"acks":{"0":true,"1":false}}`.
    static func indexerAcks(body: [UInt8]) -> [UInt64: Bool]? {
        guard let acks = (try? JSONParser.parse(body))?.objectValue?["acks"]?.objectValue else { return nil }
        var result: [UInt64: Bool] = [:]
        for member in acks.members {
            guard let id = UInt64(member.key), let flag = member.value.boolValue else { continue }
            result[id] = flag
        }
        return result
    }

    /// The body of an acknowledgement query: `{"acks":[0,1]}`.
    static func indexerAckQuery(_ ids: [UInt64]) -> [UInt8] {
        var writer = JSONWriter(capacity: 16 + ids.count * 8)
        writer.writeRaw("{\"acks\":[")
        for (position, id) in ids.enumerated() {
            if position > 0 { writer.writeRaw(",") }
            writer.writeInteger(id)
        }
        writer.writeRaw("]}")
        return writer.bytes
    }
}

extension SplunkHECReply {
    /// Parses a reply body; anything that is not a JSON object gives an empty reply.
    init(body: [UInt8]) {
        self.init()
        guard !body.isEmpty, let object = (try? JSONParser.parse(body))?.objectValue else { return }
        text = object["text"]?.stringValue
        code = object["code"]?.int64Value.flatMap { Int(exactly: $0) }
        invalidEventNumber = object["invalid-event-number"]?.int64Value.flatMap { Int(exactly: $0) }
        indexerAckID = object["ackId"]?.int64Value.flatMap { UInt64(exactly: $0) }
    }
}
