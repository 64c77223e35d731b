import ComplianceAPI
import ForwarderCore
import Foundation
import MockComplianceAPI
import Synchronization
import Testing

@testable import Forwarder

/// Per-sink resume under `SIGKILL`: three sinks, the webhook receiver out (503) in two outages,
/// the process killed again and again. The common cursor waits for the webhook, yet the two
/// healthy archives are not sent again what they had acknowledged: at most one page of duplicates
/// per kill (without per-sink resume, each kill re-sends them the whole stalled window), and no
/// sink loses anything.
@Suite(.serialized) struct PerSinkResumeCrashTests {
    static let backlog = 12_000
    static let pageSize = 100
    static let channelEvents = 2_000
    static let archives = ["archive-a", "archive-b"]

    @Test func healthySinksGetAtMostOnePageOfDuplicatesPerKill() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let now = RFC3339Timestamp.now
        let configuration = MockComplianceAPI.Configuration(
            backlog: Self.backlog,
            backlogSpan: .seconds(3600),
            backlogEnd: now.adding(.seconds(-3600)),
            recordAccess: false
        )
        let receiver = OutageWebhookReceiver()
        try await TestHTTPServer.withRunning(receiver.handle) { server in
            try await MockComplianceAPI.withRunning(configuration: configuration) { mock in
                let configPath = try Self.writeConfig(
                    directory,
                    api: mock.baseURL,
                    webhook: server.baseURL,
                    start: now.adding(.seconds(-7200 - 60))
                )
                let expected = mock.allIDs()
                var run = KillRun(
                    configPath: configPath,
                    log: URL(fileURLWithPath: directory.path + "/forwarder.log"),
                    store: CheckpointStore(path: directory.path + "/state/checkpoint.json"),
                    archiveDirectories: Self.archives.map { directory.path + "/" + $0 },
                    expected: expected,
                    pageSize: Self.pageSize,
                    mock: mock
                )

                // First outage: the webhook answers 503; four kills.
                receiver.setOutage(true)
                for round in 0..<4 { try await run.killOnce(waitsForRefill: round != 1) }

                // The webhook recovers while a run delivers; the second outage starts in the
                // middle of that run, which is then killed like the others, three more times.
                receiver.setOutage(false)
                try await run.killOnce(waitsForRefill: true) {
                    if receiver.uniqueCount >= expected.count / 3 { receiver.setOutage(true) }
                    return receiver.isOut
                }
                for round in 0..<3 { try await run.killOnce(waitsForRefill: round != 1) }

                // The outage ends; a last run delivers everything and stops gracefully.
                receiver.setOutage(false)
                let final = try ForwarderProcess.start(["run", "--config", configPath], output: run.log)
                let complete = try await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
                    receiver.uniqueCount == expected.count
                        && run.archiveContents().allSatisfy { Set($0).count == expected.count }
                }
                final.signal(SIGTERM)
                let status = try await final.waitForExit()

                let perArchive = run.archiveContents()
                let duplicates = perArchive.map { $0.count - Set($0).count }
                print(
                    "per-sink resume: \(run.kills) SIGKILLs, \(expected.count) activities, page \(Self.pageSize), "
                        + "archives up to \(run.mostAhead) activities ahead of the cursor, duplicates per archive "
                        + "\(duplicates), webhook received \(receiver.receivedCount) for \(receiver.uniqueCount) ids"
                )
                #expect(complete, "every sink receives every activity")
                #expect(status == 0, "SIGTERM drains and exits 0")
                for (name, ids) in zip(Self.archives, perArchive) {
                    #expect(Set(ids) == Set(expected), "\(name) lost \(Set(expected).subtracting(ids).count)")
                }
                #expect(receiver.uniqueIDs == Set(expected), "the webhook lost nothing")
                // The scenario is the one that hurts without per-sink resume: the healthy
                // archives ran many pages ahead of the cursor held back by the webhook.
                #expect(run.mostAhead >= 5 * Self.pageSize, "archives ahead: \(run.mostAhead)")
                // What is stored stays within the window: the webhook's channel (plus the page
                // over its mark), the request it holds, and the page the archives got before it.
                #expect(run.mostAhead <= Self.channelEvents + 5 * Self.pageSize, "ahead: \(run.mostAhead)")
                for (name, count) in zip(Self.archives, duplicates) {
                    #expect(count <= run.kills * Self.pageSize, "\(name): \(count) duplicates for \(run.kills) kills")
                }
                if !complete || status != 0 {
                    print((try? String(contentsOf: run.log, encoding: .utf8).suffix(4000)) ?? "")
                }
            }
        }
    }

    static func writeConfig(
        _ directory: TemporaryDirectory,
        api: String,
        webhook: String,
        start: RFC3339Timestamp
    ) throws -> String {
        let archives = archives.map { name in
            """
              - name: \(name)
                type: file
                format: raw
                directory: \(directory.path)/\(name)
                rotate: { max_bytes: 8MiB, max_age: 1h }
            """
        }
        let yaml = """
            source:
              base_url: \(api)
              api_key: sk-ant-api01-per-sink-resume
              start: \(start.wireText)
              page_size: \(pageSize)
              poll_interval: 500ms
              lookback: 2m
              budget: { max_requests_per_minute: 600, reserve_fraction: 0 }
            checkpoint:
              path: \(directory.path)/state/checkpoint.json
              flush_interval: 100ms
            dead_letter:
              directory: \(directory.path)/state/dead-letter
            pipeline:
              channel: { max_events: \(channelEvents) }
            sinks:
            \(archives.joined(separator: "\n"))
              - name: webhook
                type: http
                mode: webhook
                format: raw
                url: \(webhook)/ingest
                batch: { max_events: \(pageSize) }
                max_in_flight: 1
                retry: { initial_backoff: 10ms, max_backoff: 100ms }
            server:
              listen: 127.0.0.1:0
            log:
              level: warning
              format: json
            """
        let path = directory.path + "/forwarder.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// The kill loop: starts `run`, waits (or not) until it has caught up with the previous runs and
/// its checkpoint holds what the archives have, then `SIGKILL`s it at a random instant.
private struct KillRun {
    let configPath: String
    let log: URL
    let store: CheckpointStore
    let archiveDirectories: [String]
    let expected: [String]
    let pageSize: Int
    let mock: MockComplianceAPI
    var kills = 0
    /// The most activities an archive was ahead of the common cursor in a written checkpoint.
    var mostAhead = 0

    /// Each archive's activity ids, duplicates included.
    func archiveContents() -> [[String]] {
        archiveDirectories.map { (try? archivedIDs($0)) ?? [] }
    }

    /// - Parameters:
    ///   - waitsForRefill: Whether the kill waits until the run has fetched again at least as far
    ///     as the archives are ahead and the checkpoint covers every archived activity; otherwise
    ///     it lands during start-up and refill.
    ///   - ready: Also awaited before the kill (and polled: it may act, e.g. start an outage).
    mutating func killOnce(
        waitsForRefill: Bool,
        ready: () -> Bool = { true }
    ) async throws {
        var generator = SystemRandomNumberGenerator()
        let requestsBefore = mock.requestCount
        let child = try ForwarderProcess.start(["run", "--config", configPath], output: log)
        if waitsForRefill {
            let settled = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                guard ready(), let state = try? store.load() else { return false }
                let ahead = archiveNames.map { state.sinkProgress.ids(of: $0).count }.min() ?? 0
                guard ahead > 0, mock.requestCount - requestsBefore >= ahead / pageSize else { return false }
                return covers(state)
            }
            #expect(settled, "round \(kills): the run did not catch up")
            try await Task.sleep(for: .milliseconds(Int64.random(in: 0...400, using: &generator)))
        } else {
            try await Task.sleep(for: .milliseconds(Int64.random(in: 50...600, using: &generator)))
        }
        child.signal(SIGKILL)
        _ = try await child.waitForExit()
        kills += 1
        if let state = try store.load() {
            let ahead = archiveNames.map { state.sinkProgress.ids(of: $0).count }.max() ?? 0
            mostAhead = max(mostAhead, ahead)
        }
    }

    var archiveNames: [String] { archiveDirectories.map { URL(fileURLWithPath: $0).lastPathComponent } }

    /// Whether every activity in each archive is behind the committed cursor or in that
    /// archive's per-sink progress: a kill now re-sends it nothing.
    func covers(_ state: CheckpointState) -> Bool {
        let committed: Set<String> =
            state.cursor.flatMap { cursor in expected.firstIndex(of: cursor) }.map { Set(expected[...$0]) } ?? []
        for (name, ids) in zip(archiveNames, archiveContents()) {
            let progress = state.sinkProgress.ids(of: name)
            if !ids.allSatisfy({ committed.contains($0) || progress[$0] != nil }) { return false }
        }
        return true
    }
}

/// A webhook receiver with outages: while out it answers 503 to everything (the HTTP sink
/// retries); otherwise it stores every NDJSON line's `id`.
private final class OutageWebhookReceiver: Sendable {
    private struct State {
        var out = false
        var counts: [String: Int] = [:]
        var received = 0
    }

    private let state = Mutex(State())

    func setOutage(_ out: Bool) { state.withLock { $0.out = out } }
    var isOut: Bool { state.withLock { $0.out } }
    var uniqueCount: Int { state.withLock { $0.counts.count } }
    var uniqueIDs: Set<String> { state.withLock { Set($0.counts.keys) } }
    var receivedCount: Int { state.withLock { $0.received } }

    @Sendable func handle(_ request: TestHTTPRequest) async -> TestHTTPResponse {
        let ids = (request.body ?? []).split(separator: UInt8(ascii: "\n")).compactMap { line in
            (try? JSONParser.parse(Array(line)))?.objectValue?.string("id")
        }
        return state.withLock { state in
            if state.out { return .reply(status: 503, body: "receiver outage") }
            for id in ids { state.counts[id, default: 0] += 1 }
            state.received += ids.count
            return .reply(status: 200)
        }
    }
}
