import Forwarder
import Foundation

extension ForwarderProcess {
    /// Starts `run --config configPath` `kills` times and SIGKILLs each run at a random instant
    /// in `delay` (milliseconds); returns how many of the killed runs had moved the checkpoint.
    ///
    /// - Parameter waitsForProgress: whether kill number `round` first waits for its run to commit
    ///   progress, so a slow start (a loaded machine) cannot turn every kill into one before any work.
    static func killRepeatedly(
        configPath: String,
        log: URL,
        checkpoint: CheckpointStore,
        kills: Int,
        delay: ClosedRange<Int64>,
        environment: [String: String] = [:],
        waitsForProgress: (_ round: Int) -> Bool = { _ in true }
    ) async throws -> Int {
        var generator = SystemRandomNumberGenerator()
        var advanced = 0
        for round in 0..<kills {
            let before = try checkpoint.load()?.cursor
            let child = try start(["run", "--config", configPath], output: log, environment: environment)
            if waitsForProgress(round) {
                _ = try await eventually(timeout: .seconds(60), every: .milliseconds(50)) {
                    (try? checkpoint.load()?.cursor) != before
                }
            }
            try await Task.sleep(for: .milliseconds(Int64.random(in: delay, using: &generator)))
            child.signal(SIGKILL)
            _ = try await child.waitForExit()
            if try checkpoint.load()?.cursor != before { advanced += 1 }
        }
        return advanced
    }
}
