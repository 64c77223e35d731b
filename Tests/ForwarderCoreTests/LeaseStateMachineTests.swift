import ForwarderCore
import Testing

/// The lease model with an injected clock: acquire, renew, expire, lose, fence.
struct LeaseStateMachineTests {
    // duration 15 s, renew 5 s, margin 3 s, retry 1 s: a grant sent at t delivers until t + 12 s.
    static let configuration = LeaseStateMachine.Configuration()

    static func leader(epoch: Int64 = 7, sentAt: Duration = .zero) -> LeaseStateMachine {
        var lease = LeaseStateMachine(configuration: configuration, now: sentAt)
        #expect(lease.tick(now: sentAt) == .acquire)
        #expect(lease.acquired(epoch: epoch, sentAt: sentAt, now: sentAt + .milliseconds(20)) == .lead(epoch: epoch))
        return lease
    }

    @Test func aStandbyAsksAtOnceAndLeadsWhenGranted() {
        var lease = LeaseStateMachine(configuration: Self.configuration, now: .seconds(100))
        #expect(lease.role == .standby)
        #expect(!lease.mayDeliver(now: .seconds(100)))
        #expect(lease.tick(now: .seconds(100)) == .acquire)
        // One request at a time: no second acquire while the first is out.
        #expect(lease.tick(now: .seconds(101)) == .none)
        #expect(lease.acquired(epoch: 3, sentAt: .seconds(100), now: .seconds(101)) == .lead(epoch: 3))
        #expect(lease.role == .leader(epoch: 3))
        #expect(lease.mayDeliver(now: .seconds(101)))
    }

    @Test func aRefusedStandbyTriesAgainAfterTheRenewInterval() {
        var lease = LeaseStateMachine(configuration: Self.configuration, now: .zero)
        #expect(lease.tick(now: .zero) == .acquire)
        lease.acquisitionFailed(now: .seconds(1))
        #expect(lease.tick(now: .seconds(5)) == .none)
        #expect(lease.nextDeadline == .seconds(6))
        #expect(lease.tick(now: .seconds(6)) == .acquire)
    }

    @Test func theLeaderRenewsOnScheduleAndEachRenewalExtendsDelivery() {
        var lease = Self.leader()
        #expect(lease.tick(now: .seconds(4)) == .none)
        #expect(lease.tick(now: .seconds(5)) == .renew(epoch: 7))
        // While the renewal is out, no second one is sent.
        #expect(lease.tick(now: .seconds(6)) == .none)
        lease.renewed(epoch: 7, sentAt: .seconds(5))
        // Delivery now runs to 5 + 15 - 3 = 17 s, the next renewal is due at 10 s.
        #expect(lease.mayDeliver(now: .seconds(16)))
        #expect(!lease.mayDeliver(now: .seconds(17)))
        #expect(lease.tick(now: .seconds(10)) == .renew(epoch: 7))
    }

    @Test func aLeaderThatCannotRenewFencesItselfBeforeTheLeaseCanExpire() {
        var lease = Self.leader(sentAt: .seconds(50))
        #expect(lease.tick(now: .seconds(55)) == .renew(epoch: 7))
        lease.renewalFailed(epoch: 7, now: .seconds(56))
        // Retried every second while the margin lasts.
        #expect(lease.tick(now: .seconds(57)) == .renew(epoch: 7))
        lease.renewalFailed(epoch: 7, now: .seconds(58))
        #expect(lease.mayDeliver(now: .seconds(61.9)))
        // The grant was sent at 50 s, so the database expires it at 65 s at the earliest: the
        // leader stops at 62 s, three seconds before.
        #expect(!lease.mayDeliver(now: .seconds(62)))
        #expect(lease.tick(now: .seconds(62)) == .stepDown(epoch: 7, reason: .renewalOverdue))
        #expect(lease.role == .standby)
    }

    @Test func aPausedLeaderWakesUpOverdueAndStepsDownWithoutRenewing() {
        var lease = Self.leader()
        // SIGSTOP at 1 s, SIGCONT at 40 s: the monotonic clock kept running.
        #expect(!lease.mayDeliver(now: .seconds(40)))
        #expect(lease.tick(now: .seconds(40)) == .stepDown(epoch: 7, reason: .renewalOverdue))
    }

    @Test func aRefusedRenewalOrCommitStepsDownAtOnce() {
        var lease = Self.leader()
        #expect(lease.tick(now: .seconds(5)) == .renew(epoch: 7))
        #expect(lease.renewalRefused(epoch: 7, now: .seconds(5.1)) == .stepDown(epoch: 7, reason: .lost))
        #expect(!lease.mayDeliver(now: .seconds(5.1)))

        var other = Self.leader(epoch: 9)
        #expect(other.commitRefused(epoch: 9, now: .seconds(2)) == .stepDown(epoch: 9, reason: .commitRefused))
        #expect(other.role == .standby)
        // A replica that just lost waits a renew interval before asking again.
        #expect(other.tick(now: .seconds(6.9)) == .none)
        #expect(other.tick(now: .seconds(7)) == .acquire)
    }

    @Test func answersForAnOldEpochAreIgnored() {
        var lease = Self.leader(epoch: 4)
        _ = lease.commitRefused(epoch: 4, now: .seconds(1))
        #expect(lease.tick(now: .seconds(6)) == .acquire)
        #expect(lease.acquired(epoch: 5, sentAt: .seconds(6), now: .seconds(6)) == .lead(epoch: 5))
        // A late answer to epoch 4's renewal changes nothing.
        lease.renewed(epoch: 4, sentAt: .seconds(7))
        #expect(lease.renewalRefused(epoch: 4, now: .seconds(7)) == .none)
        #expect(lease.commitRefused(epoch: 4, now: .seconds(7)) == .none)
        #expect(lease.role == .leader(epoch: 5))
        #expect(!lease.mayDeliver(now: .seconds(18)))
    }

    @Test func aGrantThatArrivesTooLateIsNotUsed() {
        var lease = LeaseStateMachine(configuration: Self.configuration, now: .zero)
        #expect(lease.tick(now: .zero) == .acquire)
        // Sent at 0 s, answered at 13 s: only 2 s of the lease could be left, inside the margin.
        #expect(lease.acquired(epoch: 2, sentAt: .zero, now: .seconds(13)) == .none)
        #expect(lease.role == .standby)
        #expect(lease.tick(now: .seconds(13)) == .acquire)
    }

    @Test func timingThatWouldFenceAHealthyLeaderIsRefused() {
        #expect(LeaseStateMachine.Configuration().validate() == nil)
        let tight = LeaseStateMachine.Configuration(duration: .seconds(6), renewInterval: .seconds(4))
        #expect(tight.validate()?.contains("must be shorter than lease.duration") == true)
        #expect(LeaseStateMachine.Configuration(renewInterval: .zero).validate() != nil)
    }
}
