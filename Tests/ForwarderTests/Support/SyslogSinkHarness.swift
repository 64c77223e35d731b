import ComplianceAPI
import ForwarderCore
import Logging
import MockComplianceAPI
import Synchronization

@testable import Forwarder

/// Counts acknowledgements the way the checkpointer would receive them.
final class CountingAcknowledger: Acknowledger {
    private let count = Mutex(0)

    var acknowledged: Int { count.withLock { $0 } }

    func acknowledge(sink: Int, batch: UInt64, events: some Sequence<Int>) {
        let n = events.reduce(0) { total, _ in total + 1 }
        count.withLock { $0 += n }
    }
}

/// Drives a sink outside the pipeline: batches in, acknowledgements counted.
struct SyslogSinkHarness {
    let acknowledger = CountingAcknowledger()
    let metrics = SinkMetrics(sink: "syslog-test")
    let channel = SinkChannel(maximumEvents: 20_000, maximumBytes: 64 << 20)
    let deadLetters: DeadLetterWriter

    init(deadLetterDirectory: String) {
        deadLetters = DeadLetterWriter(directory: deadLetterDirectory)
    }

    var context: SinkContext {
        SinkContext(
            index: 0,
            name: "syslog-test",
            acknowledger: acknowledger,
            deadLetters: deadLetters,
            logger: Logger(label: "syslog-test"),
            metrics: metrics
        )
    }

    /// `count` distinct, realistic activities covering every documented type.
    static func activities(count: Int, seedOffset: UInt64 = 0) -> [Activity] {
        let generator = ActivityGenerator()
        let types = ActivityMappingTable.knownTypes
        return (0..<count).compactMap { index in
            generator.sample(type: types[index % types.count], seed: seedOffset + UInt64(index) + 1)
        }
    }

    /// Splits activities into pipeline batches of `size`.
    static func batches(_ activities: [Activity], size: Int = 500) -> [Batch] {
        stride(from: 0, to: activities.count, by: size).enumerated().map { number, start in
            let slice = activities[start..<min(start + size, activities.count)]
            return Batch(
                sequence: UInt64(number),
                events: slice.enumerated().map { Event(index: $0.offset, activity: $0.element) }
            )
        }
    }
}

extension ForwarderConfiguration.SyslogSink {
    /// A TLS sink for a test receiver on 127.0.0.1 that verifies the name `localhost`.
    static func testReceiver(
        port: Int,
        certificates: String,
        clientCertificate: Bool,
        caFile: String? = nil,
        serverName: String = "localhost"
    ) -> ForwarderConfiguration.SyslogSink {
        ForwarderConfiguration.SyslogSink(
            address: NetworkAddress(host: "127.0.0.1", port: port),
            hostname: "fwd.example.com",
            tls: ForwarderConfiguration.TLS(
                caFile: caFile ?? certificates + "/ca.pem",
                certFile: clientCertificate ? certificates + "/client.pem" : nil,
                keyFile: clientCertificate ? certificates + "/client-key.pem" : nil,
                serverName: serverName
            ),
            reconnect: ForwarderConfiguration.Backoff(
                initialBackoff: .milliseconds(100),
                maximumBackoff: .seconds(1)
            )
        )
    }
}
