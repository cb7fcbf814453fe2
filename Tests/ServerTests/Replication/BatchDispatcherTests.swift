@testable import Server
import Testing

/// The per-peer dispatcher of spec 7.6, driven by explicit `now` values: no sleeps, no loop.
@Suite struct BatchDispatcherTests {
    let t0: Int64 = 1_700_000_000_000

    private func dispatcher(_ configure: (inout BatchDispatcher.Settings) -> Void = { _ in }) -> BatchDispatcher {
        var settings = BatchDispatcher.Settings()
        configure(&settings)
        return BatchDispatcher(settings: settings)
    }

    /// A heartbeat for `id` whose status tells submissions of the same id apart.
    private func heartbeat(_ id: String, at time: Int64, status: InstanceStatus = .up, renewalSecs: Int = 30) -> ReplicationTask {
        ReplicationTask(app: "ORDERS", instanceId: id, action: .heartbeat(status: status, lastDirtyTimestamp: 1, overriddenStatus: nil),
                        leaseInfo: LeaseInfo(renewalIntervalInSecs: renewalSecs), submittedAt: time, maxTimeForReplication: 30_000)
    }

    private func submitHeartbeats(_ ids: [String], to dispatcher: BatchDispatcher, at time: Int64) {
        for id in ids { dispatcher.submit(heartbeat(id, at: time), now: time) }
    }

    private func ids(_ batch: [ReplicationTask]?) -> [String] { batch?.map(\.instanceId) ?? [] }

    // MARK: accepting and order

    @Test func aTaskWithTheSameIdReplacesThePendingOneInItsPosition() throws {
        let d = dispatcher()
        d.submit(heartbeat("a", at: t0), now: t0)
        d.submit(heartbeat("b", at: t0 + 10), now: t0 + 10)
        d.submit(heartbeat("a", at: t0 + 20, status: .down), now: t0 + 20)
        #expect(d.queueDepth == 2)
        #expect(d.counters.merged == 1 && d.counters.submitted == 3)
        // The replacement restarts the head's wait: 500 ms from its own submission.
        #expect(d.nextBatch(now: t0 + 519) == nil)
        let batch = try #require(d.nextBatch(now: t0 + 520))
        #expect(ids(batch) == ["a", "b"])
        #expect(batch[0].action == .heartbeat(status: .down, lastDirtyTimestamp: 1, overriddenStatus: nil))
        #expect(batch[0].submittedAt == t0 + 20)
    }

    @Test func arrivalOrderIsKeptAndDifferentKindsOfOneInstanceAreDifferentTasks() throws {
        let d = dispatcher()
        let kinds: [(ReplicationAction, String)] = [
            (.register(instance("x")), "x"), (.cancel, "x"), (.heartbeat(status: .up, lastDirtyTimestamp: 1, overriddenStatus: nil), "y"),
            (.statusUpdate(status: .down, lastDirtyTimestamp: 1), "z"), (.deleteStatusOverride(status: .unknown, lastDirtyTimestamp: 1), "z"),
        ]
        for (offset, (action, id)) in kinds.enumerated() {
            d.submit(app: "ORDERS", instanceId: id, action: action, leaseInfo: LeaseInfo(), now: t0 + Int64(offset))
        }
        let batch = try #require(d.nextBatch(now: t0 + 500))
        #expect(batch.map(\.id) == ["register#ORDERS/x", "cancel#ORDERS/x", "heartbeat#ORDERS/y", "statusUpdate#ORDERS/z",
                                    "deleteStatusOverride#ORDERS/z"])
    }

    // MARK: when a batch forms

    @Test func theHeadWaits500Milliseconds() {
        let d = dispatcher()
        #expect(d.nextWakeUp(now: t0) == nil)
        d.submit(heartbeat("a", at: t0), now: t0)
        d.submit(heartbeat("b", at: t0 + 300), now: t0 + 300)
        #expect(d.nextWakeUp(now: t0 + 300) == t0 + 500)
        #expect(d.nextBatch(now: t0 + 499) == nil)
        #expect(ids(d.nextBatch(now: t0 + 500)) == ["a", "b"])  // b goes along without waiting its own 500 ms
    }

    @Test func aFullPoolSendsAtOnce() {
        let d = dispatcher { $0.maxPendingTasks = 3 }
        submitHeartbeats(["a", "b"], to: d, at: t0)
        #expect(d.nextBatch(now: t0) == nil)
        #expect(d.nextWakeUp(now: t0) == t0 + 500)
        submitHeartbeats(["c"], to: d, at: t0 + 1)
        #expect(d.nextWakeUp(now: t0 + 1) == t0 + 1)
        #expect(ids(d.nextBatch(now: t0 + 1)) == ["a", "b", "c"])
    }

    @Test func batchesHoldAtMost250Tasks() {
        let d = dispatcher { $0.maxBatchesInFlight = 3 }
        submitHeartbeats((0..<600).map { "i\($0)" }, to: d, at: t0)
        let sizes = (0..<4).map { _ in d.nextBatch(now: t0 + 500)?.count }
        #expect(sizes == [250, 250, 100, nil])
        #expect(d.counters.batchesSent == 3 && d.counters.itemsSent == 600)
        #expect(d.batchesInFlight == 3)
    }

    @Test func oneBatchInFlightByDefault() throws {
        let d = dispatcher()
        submitHeartbeats((0..<300).map { "i\($0)" }, to: d, at: t0)
        let first = try #require(d.nextBatch(now: t0 + 500))
        #expect(first.count == 250 && first.first?.instanceId == "i0")
        #expect(d.nextBatch(now: t0 + 500) == nil)
        #expect(d.nextWakeUp(now: t0 + 500) == nil)  // the slot is taken: complete() is the next event
        d.complete(first, outcome: .success, now: t0 + 600)
        #expect(d.nextWakeUp(now: t0 + 600) == t0 + 600)
        let second = try #require(d.nextBatch(now: t0 + 600))
        #expect(second.count == 50 && second.first?.instanceId == "i250")
        #expect(d.counters.successes == 1)
    }

    @Test func twoSlotsAllowTwoBatches() {
        let d = dispatcher { $0.maxBatchesInFlight = 2 }
        submitHeartbeats((0..<300).map { "i\($0)" }, to: d, at: t0)
        #expect(d.nextBatch(now: t0 + 500)?.count == 250)
        #expect(d.nextBatch(now: t0 + 500)?.count == 50)
        #expect(d.batchesInFlight == 2)
    }

    // MARK: expiry

    @Test func tasksExpireWhileWaiting() throws {
        let d = dispatcher { $0.maxTimeForReplicationMs = 600 }
        d.submit(heartbeat("a", at: t0), now: t0)
        let inFlight = try #require(d.nextBatch(now: t0 + 500))
        d.submit(app: "ORDERS", instanceId: "c", action: .cancel, leaseInfo: nil, now: t0 + 100)  // expires at t0 + 700
        d.complete(inFlight, outcome: .success, now: t0 + 700)
        #expect(d.nextWakeUp(now: t0 + 700) == t0 + 700)
        #expect(d.nextBatch(now: t0 + 700) == nil)
        #expect(d.counters.droppedExpired == 1)
        #expect(d.queueDepth == 0 && d.nextWakeUp(now: t0 + 700) == nil)
    }

    @Test func expiredTasksDoNotCountTowardTheBatchSize() {
        let d = dispatcher()
        d.submit(heartbeat("short", at: t0, renewalSecs: 1), now: t0)
        submitHeartbeats((0..<250).map { "i\($0)" }, to: d, at: t0)
        let batch = d.nextBatch(now: t0 + 1_000)
        #expect(batch?.count == 250 && batch?.first?.instanceId == "i0")
        #expect(d.counters.droppedExpired == 1 && d.queueDepth == 0)
    }

    @Test func aTaskExpiredOnArrivalIsDroppedAndCounted() {
        let d = dispatcher { $0.maxTimeForReplicationMs = 0 }
        d.submit(app: "ORDERS", instanceId: "c", action: .cancel, leaseInfo: nil, now: t0)
        #expect(d.queueDepth == 0 && d.counters.submitted == 1 && d.counters.droppedExpired == 1)
    }

    @Test func retriesThatExpiredAreDropped() throws {
        let d = dispatcher()
        d.submit(heartbeat("a", at: t0, renewalSecs: 1), now: t0)  // expires at t0 + 1,000
        d.submit(app: "ORDERS", instanceId: "b", action: .cancel, leaseInfo: nil, now: t0)
        let batch = try #require(d.nextBatch(now: t0 + 500))
        d.complete(batch, outcome: .transient, now: t0 + 1_000)
        #expect(d.counters.droppedExpired == 1 && d.counters.retried == 1)
        #expect(ids(d.nextBatch(now: t0 + 1_100)) == ["b"])
        #expect(d.queueDepth == 0)
    }

    @Test func aRetriedTaskStillExpiresAtItsOriginalTime() throws {
        let d = dispatcher { $0.maxTimeForReplicationMs = 2_000 }
        d.submit(app: "ORDERS", instanceId: "c", action: .cancel, leaseInfo: nil, now: t0)  // expires at t0 + 2,000
        let batch = try #require(d.nextBatch(now: t0 + 500))
        d.complete(batch, outcome: .congestion, now: t0 + 1_500)
        #expect(d.counters.retried == 1)
        #expect(d.nextWakeUp(now: t0 + 1_500) == t0 + 2_500)  // the congestion pause
        #expect(d.nextBatch(now: t0 + 2_500) == nil)
        #expect(d.counters.droppedExpired == 1 && d.queueDepth == 0)
    }

    // MARK: the bounded pool

    @Test func overflowDropsTheOldestAndCountsIt() {
        let d = dispatcher { $0.maxPendingTasks = 3 }
        for (offset, id) in ["a", "b", "c", "d"].enumerated() { d.submit(heartbeat(id, at: t0 + Int64(offset)), now: t0 + Int64(offset)) }
        #expect(d.queueDepth == 3 && d.counters.droppedOverflow == 1)
        #expect(ids(d.nextBatch(now: t0 + 3)) == ["b", "c", "d"])
    }

    @Test func aFullPoolDropsItsHeadEvenForAReplacement() {
        let d = dispatcher { $0.maxPendingTasks = 2 }
        submitHeartbeats(["a", "b"], to: d, at: t0)
        d.submit(heartbeat("b", at: t0 + 1, status: .down), now: t0 + 1)  // spec 7.6: drop the head first, then merge
        #expect(d.counters.droppedOverflow == 1 && d.counters.merged == 1 && d.queueDepth == 1)
        #expect(d.nextBatch(now: t0 + 501)?.map(\.action) == [.heartbeat(status: .down, lastDirtyTimestamp: 1, overriddenStatus: nil)])
    }

    // MARK: retries

    @Test func retriesGoBackToTheFrontInBatchOrder() throws {
        let d = dispatcher()
        submitHeartbeats(["a", "b", "c"], to: d, at: t0)
        let batch = try #require(d.nextBatch(now: t0 + 500))
        submitHeartbeats(["d", "e"], to: d, at: t0 + 600)
        d.complete(batch, outcome: .transient, now: t0 + 700)
        #expect(d.counters.retried == 3 && d.counters.transientErrors == 1)
        #expect(ids(d.nextBatch(now: t0 + 800)) == ["a", "b", "c", "d", "e"])
    }

    @Test func aRetryIsDroppedWhenANewerTaskWithItsIdIsPending() throws {
        let d = dispatcher()
        submitHeartbeats(["a", "b", "c"], to: d, at: t0)
        let batch = try #require(d.nextBatch(now: t0 + 500))
        d.submit(heartbeat("d", at: t0 + 600), now: t0 + 600)
        d.submit(heartbeat("b", at: t0 + 600, status: .down), now: t0 + 600)
        d.complete(batch, outcome: .congestion, now: t0 + 700)
        #expect(d.counters.droppedSuperseded == 1 && d.counters.retried == 2)
        let next = try #require(d.nextBatch(now: t0 + 1_700))
        #expect(ids(next) == ["a", "c", "d", "b"])
        #expect(next[3].action == .heartbeat(status: .down, lastDirtyTimestamp: 1, overriddenStatus: nil))
    }

    @Test func retriesThatNoLongerFitAreDroppedOldestFirst() throws {
        let d = dispatcher { $0.maxPendingTasks = 5 }
        submitHeartbeats(["a", "b", "c"], to: d, at: t0)
        let batch = try #require(d.nextBatch(now: t0 + 500))
        submitHeartbeats(["d", "e", "f"], to: d, at: t0 + 600)
        d.complete(batch, outcome: .transient, now: t0 + 700)
        #expect(d.counters.retried == 2 && d.counters.droppedOverflow == 1)
        #expect(ids(d.nextBatch(now: t0 + 800)) == ["b", "c", "d", "e", "f"])
    }

    @Test func permanentErrorsAndSuccessesAreNotRetried() throws {
        let d = dispatcher()
        submitHeartbeats(["a"], to: d, at: t0)
        d.complete(try #require(d.nextBatch(now: t0 + 500)), outcome: .permanent, now: t0 + 600)
        #expect(d.queueDepth == 0 && d.counters.permanentErrors == 1 && d.counters.retried == 0)
        #expect(d.nextWakeUp(now: t0 + 600) == nil)
    }

    // MARK: the traffic shaper

    @Test func congestionPausesBatchesFor1000Milliseconds() throws {
        let d = dispatcher()
        submitHeartbeats(["a"], to: d, at: t0)
        d.complete(try #require(d.nextBatch(now: t0 + 500)), outcome: .congestion, now: t0 + 600)
        #expect(d.nextWakeUp(now: t0 + 600) == t0 + 1_600)
        #expect(d.nextBatch(now: t0 + 1_599) == nil)
        #expect(ids(d.nextBatch(now: t0 + 1_600)) == ["a"])
        #expect(d.counters.congestions == 1)
    }

    @Test func aTransientErrorPausesBatchesFor100Milliseconds() throws {
        let d = dispatcher()
        submitHeartbeats(["a"], to: d, at: t0)
        d.complete(try #require(d.nextBatch(now: t0 + 500)), outcome: .transient, now: t0 + 600)
        #expect(d.nextWakeUp(now: t0 + 600) == t0 + 700)
        #expect(d.nextBatch(now: t0 + 699) == nil)
        #expect(ids(d.nextBatch(now: t0 + 700)) == ["a"])
    }

    @Test func thePauseHoldsBackNewTasksTooAndBothWindowsApply() throws {
        let d = dispatcher {
            $0.maxBatchesInFlight = 2
            $0.maxBatchSize = 1
        }
        submitHeartbeats(["a", "b"], to: d, at: t0)
        let first = try #require(d.nextBatch(now: t0 + 500))
        let second = try #require(d.nextBatch(now: t0 + 500))
        d.complete(first, outcome: .congestion, now: t0 + 600)  // no batch until t0 + 1,600
        d.complete(second, outcome: .transient, now: t0 + 1_550)  // nor until t0 + 1,650
        submitHeartbeats(["c"], to: d, at: t0 + 1_000)
        #expect(d.nextWakeUp(now: t0 + 1_550) == t0 + 1_650)
        #expect(d.nextBatch(now: t0 + 1_649) == nil)
        #expect(ids(d.nextBatch(now: t0 + 1_650)) == ["b"])
        #expect(ids(d.nextBatch(now: t0 + 1_650)) == ["a"])
        #expect(d.queueDepth == 1)
    }

    @Test func pausesAreCappedAt30Seconds() throws {
        let d = dispatcher { $0.congestionRetryDelayMs = 120_000 }
        submitHeartbeats(["a"], to: d, at: t0)
        d.complete(try #require(d.nextBatch(now: t0 + 500)), outcome: .congestion, now: t0 + 500)
        #expect(d.nextWakeUp(now: t0 + 500) == t0 + 30_500)
    }

    // MARK: wake-ups and gauges

    @Test func nextWakeUpIsNeverBeforeNow() {
        let d = dispatcher()
        d.submit(heartbeat("a", at: t0), now: t0)
        #expect(d.nextWakeUp(now: t0) == t0 + 500)
        #expect(d.nextWakeUp(now: t0 + 2_000) == t0 + 2_000)  // overdue: fire at once
    }

    @Test func depthAndOldestPendingAge() {
        let d = dispatcher()
        #expect(d.oldestPendingAge(now: t0) == nil)
        d.submit(heartbeat("a", at: t0), now: t0)
        d.submit(heartbeat("b", at: t0 + 100), now: t0 + 100)
        d.submit(heartbeat("a", at: t0 + 200), now: t0 + 200)  // a keeps the head position with a newer time
        #expect(d.queueDepth == 2)
        #expect(d.oldestPendingAge(now: t0 + 300) == 200)
    }
}
