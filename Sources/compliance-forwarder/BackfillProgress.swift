import ComplianceAPI
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How far a backfill got, measured over the span that holds data.
///
/// The span starts at the first record fetched (or `--since`, if later) and ends at `--until` or
/// now: a `--since` decades back over a feed of ten days must not read 99 % after half the events.
struct BackfillSpan: Sendable, Equatable {
    let since: RFC3339Timestamp
    let until: RFC3339Timestamp
    private(set) var start: RFC3339Timestamp?
    private(set) var newest: RFC3339Timestamp?

    init(since: RFC3339Timestamp, until: RFC3339Timestamp) {
        self.since = since
        self.until = until
    }

    /// Takes the oldest and newest `created_at` of a page just fetched (pages come oldest first).
    mutating func record(oldest pageOldest: RFC3339Timestamp, newest pageNewest: RFC3339Timestamp) {
        if start == nil { start = max(pageOldest, since) }
        newest = max(newest ?? pageNewest, pageNewest)
    }

    /// The fraction done, `0...1`.
    var fraction: Double {
        guard let start, let newest else { return 0 }
        let span = until.duration(since: start).secondsValue
        guard span > 0 else { return 1 }
        return min(max(newest.duration(since: start).secondsValue / span, 0), 1)
    }
}

/// Progress of a backfill: a bar with events/s, ETA and what it waits for on a terminal, log
/// lines otherwise.
final class BackfillProgress: Sendable {
    private let started = ContinuousClock.now
    private let state: Mutex<(fetched: Int, span: BackfillSpan)>
    private let isTerminal = isatty(STDOUT_FILENO) != 0
    private let status = TerminalStatusLine.shared

    init(since: RFC3339Timestamp, until: RFC3339Timestamp) {
        state = Mutex((0, BackfillSpan(since: since, until: until)))
    }

    /// Called by the poller after every page.
    func update(fetched: Int, oldest: RFC3339Timestamp?, newest: RFC3339Timestamp?) {
        state.withLock { state in
            state.fetched = fetched
            if let oldest, let newest { state.span.record(oldest: oldest, newest: newest) }
        }
        status.progressed()
        if isTerminal { status.show(render()) }
    }

    /// Redraws the bar twice a second (the ETA and a wait's countdown move between pages), or
    /// logs the progress every ten seconds when standard output is not a terminal.
    func display(logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: isTerminal ? .milliseconds(500) : .seconds(10))
            if Task.isCancelled { return }
            if isTerminal {
                status.show(render())
            } else {
                logger.info("backfill progress", metadata: ["progress": "\(render())"])
            }
        }
    }

    /// Ends the bar with the summary line (on a terminal) or logs the summary.
    func finish(_ summary: BackfillSummary, logger: Logger) {
        let fetched = state.withLock { $0.fetched }
        let line = summary.line(events: fetched, elapsed: ContinuousClock.now - started)
        if isTerminal {
            status.finish(with: line)
        } else {
            logger.info("backfill finished", metadata: ["summary": "\(line)"])
        }
    }

    /// Erases the bar when the backfill fails, before the error is printed.
    func abandon() {
        if isTerminal { status.clear() }
    }

    func render() -> String {
        let (fetched, done) = state.withLock { ($0.fetched, $0.span.fraction) }
        let elapsed = max((ContinuousClock.now - started).secondsValue, 0.001)
        let rate = Double(fetched) / elapsed
        let width = 30
        let filled = Int(done * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        var eta = "--:--:--"
        if done > 0.001 { eta = Self.clock(Int(elapsed * (1 - done) / done)) }
        var line = "[\(bar)] \(Int(done * 100))%  \(fetched) events  \(Int(rate)) events/s  ETA \(eta)"
        if let waiting = status.waitingText() { line += "  (\(waiting))" }
        return line
    }

    static func clock(_ seconds: Int) -> String {
        let seconds = max(seconds, 0)
        let hours = seconds / 3600
        let minutes = seconds / 60 % 60
        let rest = seconds % 60
        return "\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes):\(rest < 10 ? "0" : "")\(rest)"
    }
}

/// The figures of the final summary line, read from the metrics and the checkpoint.
struct BackfillSummary: Sendable, Equatable {
    var duplicatesSuppressed: Int
    var deadLettered: Int
    var cursor: String?

    /// Reads the counters from Prometheus text (`compliance_forwarder_…` series).
    init(metricsText: String, cursor: String?) {
        var duplicates = 0.0
        var deadLettered = 0.0
        for line in metricsText.split(separator: "\n") where !line.hasPrefix("#") {
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            if line.hasPrefix("compliance_forwarder_duplicates_suppressed_total") { duplicates += value }
            if line.hasPrefix("compliance_forwarder_events_dead_lettered_total") { deadLettered += value }
        }
        duplicatesSuppressed = Int(duplicates)
        self.deadLettered = Int(deadLettered)
        self.cursor = cursor
    }

    func line(events: Int, elapsed: Duration) -> String {
        let seconds = max(elapsed.secondsValue, 0.001)
        return "backfill done: \(events) events in \(BackfillProgress.clock(Int(seconds.rounded()))) "
            + "(\(Int(Double(events) / seconds)) events/s), \(duplicatesSuppressed) duplicates suppressed, "
            + "\(deadLettered) dead-lettered, final cursor \(cursor ?? "-")"
    }
}

extension Duration {
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
