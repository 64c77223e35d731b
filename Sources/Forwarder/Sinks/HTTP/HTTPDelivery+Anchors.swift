import ComplianceAPI
import ForwarderCore

/// `archive_segment_sealed` events over HTTP: one request each, outside the state machine,
/// because they are not activities: nothing is acknowledged to the pipeline, nothing goes to the
/// dead-letter file, and a failure never holds activities back (the anchor waits in its inbox
/// with a backoff instead, see ``ArchiveAnchorRoutes``).
extension HTTPDelivery {
    /// What one attempt to send an anchor came to.
    enum AnchorResult: Sendable {
        case delivered
        /// May succeed later (no reply, 408/429/5xx, a configuration error being fixed).
        case retry(retryAfter: Duration?)
        /// Refused for good (400/413 or a refused `_bulk` item): dropped and counted.
        case refused(reason: String)
    }

    /// Sends `anchor` once, framed by the dialect like a request of one event.
    func sendAnchor(_ anchor: ArchiveAnchor) async throws -> AnchorResult {
        switch try await attempt(EncodedEvents(anchor: anchor, dialect: dialect)) {
        case .accepted, .acceptedPartially:
            // An OTLP collector's partial rejection of a one-record request that it still
            // answered with 2xx is taken as delivered, like an activity (http-sinks.md).
            // With HEC indexer acknowledgement on, a 200 is taken as delivered: anchors are
            // best-effort, and the next anchor commits to this one anyway.
            return .delivered
        case .perEvent(let outcomes):
            switch outcomes.first {
            case .delivered?: return .delivered
            case .deadLetter(_, let reason)?: return .refused(reason: scrubber.scrub(reason))
            default: return .retry(retryAfter: nil)
            }
        case .retry(let error, let retryAfter):
            logger.warning(
                "archive anchor not delivered; retrying later",
                metadata: ["error": "\(scrubber.scrub(error.description))", "segment": "\(anchor.segment)"]
            )
            return .retry(retryAfter: retryAfter)
        case .configuration(let error):
            logger.warning(
                "archive anchor not delivered; retrying later",
                metadata: ["error": "\(scrubber.scrub(error.description))", "segment": "\(anchor.segment)"]
            )
            return .retry(retryAfter: nil)
        case .tooLarge(let error), .rejected(let error):
            return .refused(reason: scrubber.scrub(error.description))
        }
    }
}

extension EncodedEvents {
    /// `anchor` encoded by `dialect` as the one event of a request.
    init(anchor: ArchiveAnchor, dialect: any HTTPDialect) {
        var writer = JSONWriter(capacity: 2048)
        dialect.encodeAnchor(anchor, into: &writer)
        let event = EncodedEvent(
            batch: .max,
            index: 0,
            activityID: anchor.eventID,
            record: "",
            range: 0..<writer.bytes.count
        )
        self.init(bytes: writer.bytes, events: [event])
    }
}
