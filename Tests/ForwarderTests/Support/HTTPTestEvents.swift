import ComplianceAPI
import ForwarderCore

@testable import Forwarder

/// Synthetic activities and encoded events for the HTTP sink tests.
enum HTTPTestEvents {
    /// A small valid activity with a predictable id (`act_<n>`, zero-padded so ids sort).
    static func activity(_ number: Int, type: String = "sso_login_succeeded", extra: String = "") -> Activity? {
        let id = "act_" + String(repeating: "0", count: max(0, 7 - String(number).count)) + String(number)
        let json =
            "{\"id\":\"\(id)\",\"created_at\":\"2024-05-01T12:34:56.789Z\",\"type\":\"\(type)\","
            + "\"organization_id\":\"org_123\",\"actor\":{\"type\":\"user\",\"email_address\":\"user\(number)@example.com\","
            + "\"ip_address\":\"203.0.113.7\"}\(extra)}"
        return try? Activity(json: json)
    }

    /// Activities `range`, as pipeline batches of `batchSize`.
    static func batches(_ range: Range<Int>, batchSize: Int, firstSequence: UInt64 = 1) -> [Batch] {
        var batches: [Batch] = []
        var sequence = firstSequence
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + batchSize, range.upperBound)
            let events = (start..<end).enumerated().compactMap { position, number in
                activity(number).map { Event(index: position, activity: $0) }
            }
            batches.append(Batch(sequence: sequence, events: events))
            sequence += 1
            start = end
        }
        return batches
    }

    /// Encodes `activities` with `dialect`, as the sink does for one batch.
    static func encode(_ activities: [Activity], dialect: any HTTPDialect, batch: UInt64 = 1) -> EncodedEvents {
        var writer = JSONWriter()
        var events: [EncodedEvent] = []
        for (index, activity) in activities.enumerated() {
            let start = writer.bytes.count
            dialect.encode(Event(index: index, activity: activity), readAt: .now, into: &writer)
            events.append(
                EncodedEvent(
                    batch: batch,
                    index: index,
                    activityID: activity.id,
                    record: activity.rawJSON,
                    range: start..<writer.bytes.count
                )
            )
        }
        return EncodedEvents(bytes: writer.bytes, events: events)
    }

    /// An encoded event with no bytes, for bookkeeping tests.
    static func event(index: Int, batch: UInt64 = 1) -> EncodedEvent {
        EncodedEvent(batch: batch, index: index, activityID: "act_\(index)", record: "{}", range: 0..<0)
    }
}
