import ArgumentParser
import ComplianceAPI
import Forwarder
import Foundation

/// The evidence's cost per event on the file path: the same ECS batches through the segment
/// writer with per-record hashes and signed manifests on and off, alternating, several runs.
struct ArchiveBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "CPU µs per event of the file sink with and without record hashes and signed manifests."
    )

    @Option(help: "Activities per batch (one gzip member and one fsync each).") var batchSize = 5000
    @Option(help: "Batches per run.") var batches = 40
    @Option(help: "Runs of each variant (alternating).") var runs = 5
    @Option(help: "Segment size that triggers a seal (bytes).") var segmentBytes = 8 * 1024 * 1024
    @Option(help: "Where the segments are written (a fresh subdirectory per run, removed after).")
    var directory = FileManager.default.temporaryDirectory.path

    func run() async throws {
        let page = TransformBenchmark.samplePage(size: batchSize)
        let activities = try CursorPage<Activity>.decode(page).data
        var perEvent: [String: [Double]] = [:]
        for run in 0..<runs {
            for (variant, evidence, rebuild) in [("off", false, false), ("hash", false, true), ("on ", true, true)] {
                let path =
                    directory + "/cf-archive-bench-\(ProcessInfo.processInfo.processIdentifier)-\(run)-\(variant)"
                defer { try? FileManager.default.removeItem(atPath: path) }
                let cpuStart = ProcessCPU.seconds()
                let start = ContinuousClock.now
                let events = try ArchiveOverheadBenchmark.write(
                    activities: activities,
                    batches: batches,
                    directory: path,
                    evidence: evidence,
                    rebuildEvents: rebuild,
                    maximumBytes: segmentBytes
                )
                let seconds = (ContinuousClock.now - start).seconds
                let cpu = (ProcessCPU.seconds() - cpuStart) / Double(events) * 1e6
                let segments =
                    (try? FileManager.default.contentsOfDirectory(atPath: path))?.filter {
                        $0.hasSuffix(".gz")
                    }.count ?? 0
                perEvent[variant, default: []].append(cpu)
                print(
                    "archive evidence \(variant): \(events) events, "
                        + "\(Int(Double(events) / seconds)) events/s, "
                        + "\(String(format: "%.3f", cpu)) CPU µs/event, \(segments) segment(s)"
                )
            }
        }
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        let off = median(perEvent["off"] ?? [0])
        let hash = median(perEvent["hash"] ?? [0])
        let on = median(perEvent["on "] ?? [0])
        print(
            "archive record hashes (events built per batch): median \(String(format: "%.3f", hash - off)) CPU µs/event"
        )
        print(
            "archive overhead: median \(String(format: "%.3f", on)) - \(String(format: "%.3f", off)) = "
                + "\(String(format: "%.3f", on - off)) CPU µs/event over \(runs) run(s)"
        )
    }
}
