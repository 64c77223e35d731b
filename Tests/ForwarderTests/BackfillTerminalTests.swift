import ComplianceAPI
import Foundation
import MockComplianceAPI
import Testing

/// `backfill` on a pseudo-terminal, as an operator sees it: the bar's percentage over the span that
/// holds data, log lines above the bar, the summary line, and a clean line after a failure.
@Suite struct BackfillTerminalTests {
    /// One hundred records a minute apart, ending eleven minutes ago, read ten a page over a
    /// `--since` thirty days back: the data covers 0.3 % of `--since`…now.
    static let recordCount = 100

    struct Run {
        var status: Int32
        var output: String
        /// Each bar frame drawn: its percentage and the events it counted.
        var frames: [(percent: Int, events: Int)]
        var screen: [String]
    }

    /// Runs `backfill` on a pseudo-terminal against the mock serving `faults` first; `during` may
    /// act on the running child while its output is read.
    func backfill(
        faults: [MockFault],
        during: (PseudoTerminal, ForwarderProcess) async -> Void = { _, _ in }
    ) async throws -> Run {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let now = RFC3339Timestamp.now
        return try await MockComplianceAPI.withRunning(configuration: .init(recordAccess: false)) { mock in
            for minute in 0..<Self.recordCount {
                mock.insert(type: "claude_chat_viewed", createdAt: now.adding(.seconds(Int64(minute - 110) * 60)))
            }
            mock.enqueueFaults(faults)
            let config = directory.path + "/forwarder.yaml"
            try """
            source:
              base_url: \(mock.baseURL)
              api_key: ${TEST_COMPLIANCE_KEY}
              page_size: 10
              retry:
                initial_backoff: 10ms
                max_backoff: 20ms
            checkpoint:
              path: \(directory.path)/state/checkpoint.json
            sinks:
              - name: archive
                type: file
                format: ecs
                directory: \(directory.path)/archive
            server:
              listen: 127.0.0.1:0
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let terminal = try PseudoTerminal()
            let child = try terminal.start(
                [
                    "backfill", "--config", config, "--since", now.adding(.seconds(-30 * 86_400)).wireText,
                    "--until", now.wireText,
                ],
                environment: ["TEST_COMPLIANCE_KEY": "sk-ant-api01-pseudo-terminal-test"]
            )
            await during(terminal, child)
            let output = await terminal.readAll()
            let status = try await child.waitForExit(timeout: .seconds(60))
            if status == nil { child.signal(SIGKILL) }
            return Run(
                status: status ?? -1,
                output: output,
                frames: Self.frames(output),
                screen: PseudoTerminal.screenLines(output)
            )
        }
    }

    /// The bar frames of the raw output: every redraw starts with a carriage return.
    static func frames(_ output: String) -> [(percent: Int, events: Int)] {
        output.unicodeScalars.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).compactMap { segment in
            let text = String(String.UnicodeScalarView(segment))
            // "[####......] 44%  50 events  1234 events/s  ETA 00:00:03"
            guard let barEnd = text.range(of: "] ") else { return nil }
            let words = text[barEnd.upperBound...].split(separator: " ")
            guard words.count >= 3, words[0].hasSuffix("%"), words[2] == "events",
                let percent = Int(words[0].dropLast()), let events = Int(words[1])
            else { return nil }
            return (percent, events)
        }
    }

    static func isBar(_ line: String) -> Bool { line.contains("events/s  ETA") }

    @Test func theBarMeasuresTheSpanThatHoldsDataAndLogLinesNeverShareItsLine() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        // Requests 1 to 3 are answered normally, the 4th with a 503: its retry is logged while the
        // bar is drawn.
        let run = try await backfill(faults: [.slow(.zero), .slow(.zero), .slow(.zero), .unavailable(503)])
        #expect(run.status == 0, "\(run.output)")

        let middle = try #require(run.frames.first { $0.events == Self.recordCount / 2 }, "\(run.output)")
        #expect((20...80).contains(middle.percent), "at half the events: \(middle.percent) %")
        // The span starts at the first record fetched: after the first of ten pages, 9 of the
        // span's 110 minutes are done (starting at the first page's newest record would read 0 %).
        let first = try #require(run.frames.first { $0.events == 10 }, "\(run.output)")
        #expect((5...12).contains(first.percent), "after the first page: \(first.percent) %")

        let retryLines = run.screen.filter { $0.contains("retrying Compliance API request") }
        #expect(!retryLines.isEmpty, "the 503 is logged while the bar is drawn:\n\(run.output)")
        for line in run.screen where line.contains("level=") {
            #expect(!Self.isBar(line), "a log line shares the bar's line: \(line)")
        }
        #expect(run.screen.contains { $0.hasPrefix("backfill done: \(Self.recordCount) events in ") }, "\(run.screen)")
        #expect(run.screen.last == "", "the summary ends the bar's line")
    }

    @Test func aFailedBackfillClearsTheBarBeforeItsError() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        // Three pages, then the key is refused.
        let run = try await backfill(faults: [.slow(.zero), .slow(.zero), .slow(.zero), .unauthorized])
        #expect(run.status == 69, "\(run.output)")
        #expect(run.frames.contains { $0.events == 30 }, "the bar was drawn before the failure:\n\(run.output)")

        // The message printed on the way out, not a log line quoting the API's error.
        let errorLine = try #require(
            run.screen.first { $0.contains("error:") && !$0.contains("level=") },
            "\(run.screen)"
        )
        #expect(errorLine.hasPrefix("error:"), "the error starts a clean line: \(errorLine)")
        #expect(!run.screen.contains(where: Self.isBar), "the bar is left on screen: \(run.screen)")
        #expect(run.screen.last == "", "the shell prompt starts a clean line")
    }

    @Test func anInterruptedBackfillEndsTheBarWithItsSummary() async throws {
        try #require(ForwarderProcess.isBuilt, "build the executable first: swift build --build-tests")
        // The first page comes at once, the second request hangs until the interrupt cancels it.
        let run = try await backfill(faults: [.slow(.zero), .slow(.seconds(30))]) { terminal, child in
            if await terminal.read(until: { Self.frames($0).contains { $0.events == 10 } }) {
                child.signal(SIGINT)
            }
        }
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.screen.contains(where: Self.isBar), "the bar is left on screen: \(run.screen)")
        #expect(run.screen.contains { $0.hasPrefix("backfill done: 10 events in ") }, "\(run.screen)")
        #expect(run.screen.last == "", "the shell prompt starts a clean line")
    }
}
