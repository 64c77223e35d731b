import ArgumentParser
import ComplianceAPI
import Logging
import MockComplianceAPI
import ServiceLifecycle

/// `compliance-forwarder demo`: see activities flow with no key and no network.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run against the built-in mock API and show activities flowing (no key, no network)."
    )

    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).") var seconds: Double?

    func run() async throws {
        let logger = Logger(label: "demo")
        let mock = try await MockComplianceAPI.bind(
            configuration: .init(backlog: 200, backlogSpan: .seconds(3600), liveRate: 5),
            logger: logger
        )
        print("demo: mock Compliance API on \(mock.baseURL); polling it oldest first (Ctrl-C to stop)")
        let client = ComplianceClient(
            configuration: .init(baseURL: mock.baseURL, apiKey: APIKey("demo-key")),
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await mock.run() }
            group.addTask {
                var cursor: String?
                var delivered = 0
                let started = ContinuousClock.now
                while seconds.map({ ContinuousClock.now - started < .milliseconds(Int64($0 * 1000)) }) ?? true {
                    let page = try await client.activities.list(afterID: cursor, limit: 100, order: .ascending)
                    for activity in page.data {
                        delivered += 1
                        print("\(activity.createdAt)  \(activity.type)  \(activity.actor.kind)  \(activity.id)")
                    }
                    cursor = page.lastID ?? cursor
                    if !page.hasMore { try await Task.sleep(for: .seconds(1)) }
                }
                print("demo: \(delivered) activities")
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
