import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The status line a backfill keeps at the bottom of the terminal, and what it waits for.
///
/// Log lines go through ``writeLog(_:)``: the bar is cleared, the line printed and the bar drawn
/// again, so a log line never lands in the middle of the bar. What the forwarder is waiting for
/// is read from the log events it already emits (rate budget, API retries, sink retries), so the
/// runtime needs no extra plumbing for it.
final class TerminalStatusLine: Sendable {
    /// What the process is waiting for, as the bar shows it.
    enum Waiting: Equatable, Sendable {
        case rateBudget(until: ContinuousClock.Instant)
        case apiRetry(until: ContinuousClock.Instant)
        case sink(name: String)

        func text(at now: ContinuousClock.Instant) -> String {
            switch self {
            case .rateBudget(let until): "waiting for the rate budget \(Self.secondsLeft(until, now)) s"
            case .apiRetry(let until): "API error, retrying in \(Self.secondsLeft(until, now)) s"
            case .sink(let name): "sink \(name) holding back, retrying"
            }
        }

        private static func secondsLeft(_ until: ContinuousClock.Instant, _ now: ContinuousClock.Instant) -> Int {
            max(Int((until - now).secondsValue.rounded(.up)), 0)
        }
    }

    static let shared = TerminalStatusLine()

    private struct State {
        var line: String?
        var waiting: Waiting?
    }

    private let state = Mutex(State())
    private static let clearLine = Array("\r\u{1B}[K".utf8)

    /// Draws `line` as the status line (replacing the previous one).
    func show(_ line: String) {
        state.withLock { state in
            state.line = line
            Self.writeAll(Self.clearLine + Array(line.utf8), to: STDOUT_FILENO)
        }
    }

    /// Replaces the status line with `line` followed by a newline, and keeps no status line.
    func finish(with line: String) {
        state.withLock { state in
            state.line = nil
            Self.writeAll(Self.clearLine + Array((line + "\n").utf8), to: STDOUT_FILENO)
        }
    }

    /// Erases the status line, if one is drawn, and keeps none: a failing backfill's error message
    /// and the shell prompt after it start on a clean line.
    func clear() {
        state.withLock { state in
            guard state.line != nil else { return }
            state.line = nil
            Self.writeAll(Self.clearLine, to: STDOUT_FILENO)
        }
    }

    /// Writes one complete log line to standard error, above the status line when there is one.
    func writeLog(_ bytes: [UInt8]) {
        state.withLock { state in
            guard let line = state.line else {
                Self.writeAll(bytes, to: STDERR_FILENO)
                return
            }
            Self.writeAll(Self.clearLine, to: STDOUT_FILENO)
            Self.writeAll(bytes, to: STDERR_FILENO)
            Self.writeAll(Self.clearLine + Array(line.utf8), to: STDOUT_FILENO)
        }
    }

    /// Learns what the process waits for from a log event; a fetched page ends any wait.
    func observe(message: String, metadata: Logger.Metadata, now: ContinuousClock.Instant = .now) {
        let delay = metadata["delay_ms"].flatMap { Int64("\($0)") }.map { Duration.milliseconds($0) }
        let waiting: Waiting? =
            switch message {
            case "waiting for the rate budget": delay.map { .rateBudget(until: now + $0) }
            case "retrying Compliance API request": delay.map { .apiRetry(until: now + $0) }
            default:
                if message.contains("retrying"), let sink = metadata["sink"] { .sink(name: "\(sink)") } else { nil }
            }
        if let waiting { state.withLock { $0.waiting = waiting } }
    }

    /// Called when a page arrives: whatever held the source back is over.
    func progressed() {
        state.withLock { $0.waiting = nil }
    }

    /// The current wait as text, or `nil` when nothing holds the backfill back.
    func waitingText(at now: ContinuousClock.Instant = .now) -> String? {
        state.withLock { $0.waiting }?.text(at: now)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, base + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
    }
}
