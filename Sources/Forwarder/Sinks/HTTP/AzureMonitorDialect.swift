import ComplianceAPI
import ForwarderCore

/// `mode: azure_monitor`: rows of the Sentinel table (``SentinelRowEncoder``) POSTed as one JSON
/// array to `<dce>/dataCollectionRules/<dcr>/streams/<stream>?api-version=2023-01-01` with an
/// Entra ID bearer token (``EntraTokenProvider``).
///
/// Replies (Logs Ingestion API reference): 204 stores the whole request; 413 splits it (the sink
/// already keeps requests under ``maximumRequestBytes``, so this only happens if a proxy's limit
/// is lower, or for one row over the limit, which is dead-lettered alone); 429 and 5xx are
/// retried after `Retry-After`; 401 and 403 are configuration problems (the delivery first
/// retries a 401 once with a fresh token), held and never dead-lettered; 400 (a row the rule
/// cannot transform) splits until the row is alone and dead-letters it.
struct AzureMonitorDialect: HTTPDialect {
    /// Azure's limit for one Logs Ingestion API call: 1 MB, compressed or not ("Azure Monitor
    /// service limits", Logs Ingestion API). Counted as 1 000 000 bytes of uncompressed body, the
    /// stricter reading, so gzip never decides whether a request fits.
    static let maximumRequestBytes = 1_000_000

    let rows = SentinelRowEncoder()

    var framingPerEvent: Int { 1 }
    var contentType: String { "application/json" }

    func encode(_ event: Event, readAt: RFC3339Timestamp, into writer: inout JSONWriter) {
        rows.encode(event.activity, into: &writer.bytes)
    }

    /// Never called: the table's schema has no place for anchors, so `archive_anchors` is off
    /// for this mode (the configuration refuses it). Writes the raw anchor for completeness.
    func encodeAnchor(_ anchor: ArchiveAnchor, into writer: inout JSONWriter) {
        ActivityEncoder.appendRawAnchor(anchor, into: &writer.bytes)
    }

    func body(for events: EncodedEvents) -> [UInt8] {
        events.jsonArray()
    }

    func classify(_ reply: HTTPReply, for events: EncodedEvents) -> RequestOutcome {
        HTTPStatusClass.outcome(reply, context: "the Logs Ingestion API")
    }

    /// The byte budget of a request's rows: `[` `]` and the commas stay within
    /// ``maximumRequestBytes`` (the framing of one byte per row covers the commas and `]`, one
    /// more byte the `[`).
    static func rowBudget(configured: Int) -> Int {
        min(configured, maximumRequestBytes - 1)
    }
}
