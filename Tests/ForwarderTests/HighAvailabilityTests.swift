import ComplianceAPI
import Foundation
import Testing

@testable import Forwarder

/// Two forwarder processes with one configuration and the state in a real PostgreSQL: one
/// delivers at a time, a standby takes over when the leader dies, pauses or loses the database,
/// and nothing is lost.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct HighAvailabilityTests {
    static let kills = 10

    /// The leader SIGKILLed at random moments: the standby takes over within lease + renewal,
    /// only one process ever fetches at a time, and every activity reaches the webhook.
    @Test func leaderKilledRepeatedlyLosesNothing() async throws {
        guard PostgresTestServer.available(), ForwarderProcess.isBuilt else { return }
        try await ReplicaCluster.with(backlog: 20_000, liveRate: 100) { cluster, store, recorder in
            try cluster.startReplica()
            try cluster.startReplica()
            var takeovers: [Duration] = []
            var epoch: Int64 = 0
            for _ in 0..<Self.kills {
                let (leader, leaderEpoch) = try #require(
                    try await cluster.leader(store, newerThan: epoch),
                    "a replica takes the lease\n\(cluster.logText.suffix(3000))"
                )
                epoch = leaderEpoch
                // The kill lands at a random moment of the leader's work: that is the test.
                try await Task.sleep(for: .milliseconds(Int64.random(in: 300...2500)))
                leader.process.signal(SIGKILL)
                _ = try await leader.process.waitForExit()
                let killedAt = ContinuousClock.now
                cluster.remove(leader)
                try cluster.startReplica()
                let (_, nextEpoch) = try #require(
                    try await cluster.leader(store, newerThan: epoch),
                    "the standby takes over\n\(cluster.logText.suffix(3000))"
                )
                takeovers.append(ContinuousClock.now - killedAt)
                epoch = nextEpoch - 1
            }
            cluster.mock.stopLiveGeneration()
            let expected = Set(cluster.mock.allIDs())
            let complete = try await eventually(timeout: .seconds(180), every: .milliseconds(200)) {
                expected.isSubset(of: Set(recorder.state.withLock { $0.activityIDs }))
            }
            let statuses = try await cluster.stopAll()
            let delivered = recorder.state.withLock { $0.activityIDs }
            let lost = expected.subtracting(delivered)
            let duplicates = delivered.count - Set(delivered).count
            let runs = cluster.fetchRuns()
            let slowest = takeovers.max() ?? .zero
            print(
                "high availability: \(Self.kills) leaders SIGKILLed, \(expected.count) activities, lost \(lost.count), "
                    + "duplicates \(duplicates), slowest takeover \(slowest), \(runs.count) runs of fetches by "
                    + "\(Set(runs.map(\.key)).count) processes"
            )
            #expect(complete && lost.isEmpty, "lost: \(lost.prefix(5))")
            // One process fetches at a time: each key's requests are one unbroken run.
            #expect(Set(runs.map(\.key)).count == runs.count, "interleaved fetches: \(runs.map(\.key))")
            #expect(Set(runs.map(\.key)).count >= Self.kills, "each kill handed over to another process")
            // Lease 3 s + renewal 1 s, with room for a loaded machine to start the statement.
            let bound = ReplicaCluster.lease.duration + ReplicaCluster.lease.renew + .seconds(2)
            #expect(slowest <= bound, "takeovers: \(takeovers)")
            // In flight per kill: a channel (2000) and a page (500) besides what the last
            // checkpoint interval acknowledged.
            #expect(duplicates <= Self.kills * 5_000)
            #expect(statuses.allSatisfy { $0 == 0 }, "SIGTERM drains leader and standby alike: \(statuses)")
            if !lost.isEmpty { print(cluster.logText.suffix(5000)) }
        }
    }

    /// The leader paused (SIGSTOP) for longer than its lease: the standby takes over, and the
    /// old leader, resumed, neither commits nor keeps fetching: it steps down.
    @Test func aPausedLeaderStepsDownWithoutMovingTheCheckpoint() async throws {
        guard PostgresTestServer.available(), ForwarderProcess.isBuilt else { return }
        try await ReplicaCluster.with(backlog: 5_000, liveRate: 100) { cluster, store, _ in
            let first = try cluster.startReplica()
            let (_, firstEpoch) = try #require(try await cluster.leader(store), "\(cluster.logText.suffix(3000))")
            #expect(try await eventuallyAsync { await cluster.inspect(store).1?.cursor != nil }, "A commits")
            let second = try cluster.startReplica()

            // Watch the checkpoint row for the whole test: it must never go backwards.
            let watch = Task {
                var seen: [(epoch: Int64, createdAt: RFC3339Timestamp?)] = []
                while !Task.isCancelled {
                    let (inspection, state) = await cluster.inspect(store)
                    if let written = inspection?.checkpointWritten {
                        seen.append((written.epoch, state?.cursorCreatedAt))
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                return seen
            }
            first.process.signal(SIGSTOP)
            let (taker, secondEpoch) = try #require(try await cluster.leader(store, newerThan: firstEpoch))
            #expect(taker.pid == second.pid)
            let tookOver = RFC3339Timestamp.now
            #expect(
                try await eventuallyAsync { await cluster.inspect(store).0?.checkpointWritten?.epoch == secondEpoch },
                "B commits under its epoch"
            )
            first.process.signal(SIGCONT)
            #expect(
                try await eventually { cluster.logText.contains("lease lost") },
                "the resumed leader steps down\n\(cluster.logText.suffix(3000))"
            )
            // Give the resumed process every chance to misbehave: B renews a few times meanwhile.
            try await Task.sleep(for: ReplicaCluster.lease.duration)
            watch.cancel()
            let seen = await watch.value

            let (inspection, _) = await cluster.inspect(store)
            #expect(inspection?.checkpointWritten?.epoch == secondEpoch, "only B's epoch writes after the takeover")
            #expect(inspection?.lease?.epoch == secondEpoch, "B still leads")
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.epoch <= $1.epoch }, "epochs never go back")
            #expect(
                zip(seen, seen.dropFirst()).allSatisfy { a, b in
                    guard let before = a.createdAt, let after = b.createdAt else { return true }
                    return before <= after
                },
                "the checkpoint never moves backwards"
            )
            let lateFetches = cluster.mock.requestLog.filter { $0.at > tookOver && $0.apiKey == first.key }.count
            // A request the paused process had already started may still arrive; no new ones.
            #expect(lateFetches <= 1, "the old leader fetched \(lateFetches) times after the takeover")
            let statuses = try await cluster.stopAll()
            #expect(statuses.allSatisfy { $0 == 0 }, "\(statuses)")
        }
    }

    /// PostgreSQL stopped for 20 s mid-run: the leader fences itself (no fetching once its lease
    /// could have expired), and after the restart a replica resumes with nothing lost.
    @Test func theLeaderFencesItselfWhileTheDatabaseIsDown() async throws {
        guard PostgresTestServer.available(), ForwarderProcess.isBuilt else { return }
        try await ReplicaCluster.with(backlog: 10_000, liveRate: 100) { cluster, store, recorder in
            try cluster.startReplica()
            try cluster.startReplica()
            _ = try #require(try await cluster.leader(store))
            #expect(try await eventuallyAsync { await cluster.inspect(store).1?.cursor != nil })

            cluster.server.stop()
            let stopped = RFC3339Timestamp.now
            #expect(
                try await eventually(timeout: .seconds(30)) { cluster.logText.contains("lease lost") },
                "the leader steps down\n\(cluster.logText.suffix(3000))"
            )
            try await Task.sleep(for: .seconds(20))  // the outage under test
            let restarting = RFC3339Timestamp.now
            try cluster.server.start()
            // Fenced: from the moment its lease could have expired until the database returns,
            // no process fetched.
            let fenced = stopped.adding(ReplicaCluster.lease.duration)
            let during = cluster.mock.requestLog.filter { $0.at > fenced && $0.at < restarting }
            #expect(during.isEmpty, "\(during.count) requests while no replica could hold the lease")

            _ = try #require(try await cluster.leader(store), "a replica leads again after the restart")
            cluster.mock.stopLiveGeneration()
            let expected = Set(cluster.mock.allIDs())
            let complete = try await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
                expected.isSubset(of: Set(recorder.state.withLock { $0.activityIDs }))
            }
            let lost = expected.subtracting(recorder.state.withLock { $0.activityIDs })
            print("high availability: database down 20 s, \(expected.count) activities, lost \(lost.count)")
            #expect(complete && lost.isEmpty, "lost: \(lost.prefix(5))")
            let statuses = try await cluster.stopAll()
            #expect(statuses.allSatisfy { $0 == 0 }, "\(statuses)")
        }
    }
}
