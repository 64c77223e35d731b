import ArgumentParser
import ComplianceAPI
import Forwarder
import ForwarderCore
import Logging
import MockComplianceAPI

/// One HTTP sink (webhook, Splunk HEC, Elasticsearch `_bulk`, Azure Monitor or OTLP) delivering prepared batches to
/// a minimal in-process receiver on loopback.
///
/// The activities are generated and decoded before the clock starts; what is measured is the
/// sink's whole path per event: ECS encoding, request building (and gzip), the HTTP round trip
/// through AsyncHTTPClient, reply parsing and acknowledgement. The receiver runs in the same
/// process, so the CPU figure includes its (small) share.
struct HTTPBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Events/s and CPU µs/event of one HTTP sink to an in-process receiver."
    )

    @Option(help: "webhook, splunk_hec, elasticsearch, azure_monitor or otlp.") var mode = "webhook"
    @Option(help: "Events to deliver.") var events = 200_000
    @Option(help: "Events per pipeline batch (one API page).") var pageSize = 1000
    @Option(help: "batch.max_events: events per request.") var batchEvents = 1000
    @Flag(help: "gzip request bodies (not elasticsearch).") var gzip = false
    @Option(help: "Milliseconds the receiver waits before each reply (network + indexing time).") var replyDelayMs = 0
    @Option(help: "max_in_flight: requests sent without waiting for the previous reply.") var maxInFlight =
        ForwarderConfiguration.HTTPSink.defaultMaximumInFlight
    @Option(help: "elasticsearch: the receiver defers (429) this percentage of _bulk items, 0…50.") var deferPercent = 0
    @Option(help: "The receiver answers 503 to this percentage of requests, 0…50.") var failPercent = 0
    @Option(help: "otlp: protobuf or json.") var encoding = "protobuf"
    @Option(help: "Write every request body the receiver gets to this directory (for independent decoding).")
    var captureDirectory: String?

    func validate() throws {
        guard BenchmarkHTTPReceiver.Kind(rawValue: mode) != nil else {
            throw ValidationError("--mode must be webhook, splunk_hec, elasticsearch, azure_monitor or otlp")
        }
        guard ForwarderConfiguration.HTTPSink.OTLP.Encoding(name: encoding) != nil else {
            throw ValidationError("--encoding must be protobuf or json")
        }
        if gzip, mode == "elasticsearch" {
            throw ValidationError("--gzip: the benchmark's _bulk receiver counts items in the plain body")
        }
        guard events > 0, pageSize > 0, batchEvents > 0, replyDelayMs >= 0 else {
            throw ValidationError("counts must be positive")
        }
        guard (1...16).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be 1…16") }
        guard (0...50).contains(deferPercent), (0...50).contains(failPercent) else {
            throw ValidationError("--defer-percent and --fail-percent must be 0…50")
        }
        if deferPercent > 0, mode != "elasticsearch" {
            throw ValidationError("--defer-percent: only _bulk defers single items")
        }
    }

    func run() async throws {
        guard let kind = BenchmarkHTTPReceiver.Kind(rawValue: mode) else { throw ExitCode.validationFailure }
        let batches = Self.batches(events: events, pageSize: pageSize)
        let receiver = try await BenchmarkHTTPReceiver.start(
            speaking: kind,
            replyDelay: .milliseconds(replyDelayMs),
            pushback: .init(
                deferEvery: deferPercent > 0 ? 100 / deferPercent : 0,
                failEvery: failPercent > 0 ? 100 / failPercent : 0
            ),
            captureDirectory: captureDirectory
        )
        let base = "http://127.0.0.1:\(receiver.port)"
        var http: ForwarderConfiguration.HTTPSink
        switch kind {
        case .webhook:
            http = .init(mode: .webhook, url: base + "/hook", gzip: gzip)
        case .splunkHEC:
            http = .init(
                mode: .splunkHEC,
                url: base + "/services/collector/event",
                token: Secret("00000000-0000-0000-0000-000000000000"),
                gzip: gzip
            )
        case .elasticsearch:
            http = .init(
                mode: .elasticsearch,
                url: base,
                apiKey: Secret("YmVuY2g6YmVuY2g="),
                index: "logs-bench-default"
            )
        case .azureMonitor:
            http = .init(
                mode: .azureMonitor,
                url: base,
                gzip: gzip,
                azureMonitor: .init(
                    dataCollectionRuleID: "dcr-00000000000000000000000000000000",
                    stream: "Custom-ClaudeComplianceActivity",
                    tenantID: "00000000-0000-0000-0000-000000000000",
                    clientID: "00000000-0000-0000-0000-000000000000",
                    clientSecret: Secret("benchmark-secret"),
                    authority: base
                )
            )
        case .otlp:
            http = .init(
                mode: .otlp,
                url: base,
                gzip: gzip,
                otlp: .init(encoding: ForwarderConfiguration.HTTPSink.OTLP.Encoding(name: encoding) ?? .protobuf)
            )
        }
        http.maximumInFlight = maxInFlight
        let configuration = ForwarderConfiguration.Sink(
            name: "bench",
            format: kind == .azureMonitor || kind == .otlp ? .raw : .ecs,
            batch: .init(maximumEvents: batchEvents, maximumBytes: 8 << 20),
            destination: .http(http)
        )
        let sink = try HTTPSink.make(from: configuration, encoder: EventEncoder(format: .ecs))
        var logger = Logger(label: "benchmark")
        logger.logLevel = .error

        let cpuStart = ProcessCPU.seconds()
        let start = ContinuousClock.now
        let result = try await SinkDriver.run(
            sink,
            batches: batches,
            deadLetterDirectory: "/tmp/cf-benchmark-http-dead-letter",
            logger: logger
        )
        let seconds = (ContinuousClock.now - start).seconds
        let cpu = ProcessCPU.seconds() - cpuStart
        await receiver.stop()

        let requests = receiver.statistics.requests.load(ordering: .relaxed)
        let bytes = receiver.statistics.bodyBytes.load(ordering: .relaxed)
        let variant = kind == .otlp ? " \(encoding)" : ""
        print(
            "http \(mode)\(variant)\(gzip ? " gzip" : "")\(replyDelayMs > 0 ? " reply delay \(replyDelayMs) ms" : "")"
                + "\(deferPercent > 0 ? " \(deferPercent) % items deferred" : "")"
                + "\(failPercent > 0 ? " \(failPercent) % requests 503" : ""): \(result.acknowledged) events in \(requests) requests "
                + "(max_events \(batchEvents), max_in_flight \(maxInFlight)), \(bytes / max(result.acknowledged, 1)) body bytes/event, "
                + "\(Int(Double(result.acknowledged) / seconds)) events/s, "
                + "\(String(format: "%.2f", cpu / Double(max(result.acknowledged, 1)) * 1e6)) µs CPU/event, "
                + "peak RSS \(ProcessCPU.peakRSS() / 1_048_576) MiB"
        )
        let stored = receiver.statistics.storedItems.load(ordering: .relaxed)
        if deferPercent > 0 || failPercent > 0 {
            print(
                "pushback: \(receiver.statistics.deferredItems.load(ordering: .relaxed)) items deferred, "
                    + "\(receiver.statistics.failedRequests.load(ordering: .relaxed)) requests answered 503"
                    + (kind == .elasticsearch ? ", \(stored) items stored" : "")
            )
        }
        if kind == .elasticsearch, stored != events {
            print("warning: the receiver stored \(stored) items for \(events) events")
            throw ExitCode.failure
        }
        if result.acknowledged != events {
            print("warning: \(events - result.acknowledged) events not acknowledged")
            throw ExitCode.failure
        }
    }

    /// `events` realistic activities of every type in batches of `pageSize` (at most 20 000
    /// distinct samples, repeated: the sink does not care).
    static func batches(events: Int, pageSize: Int) -> [Batch] {
        let generator = ActivityGenerator()
        let distinct = (0..<min(events, 20_000)).compactMap { index in
            generator.sample(type: generator.types[index % generator.types.count], seed: UInt64(index + 1))
        }
        guard !distinct.isEmpty else { return [] }
        var batches: [Batch] = []
        var position = 0
        while position < events {
            let count = min(pageSize, events - position)
            let slice = (0..<count).map { Event(index: $0, activity: distinct[(position + $0) % distinct.count]) }
            batches.append(Batch(sequence: UInt64(batches.count), events: slice))
            position += count
        }
        return batches
    }
}
