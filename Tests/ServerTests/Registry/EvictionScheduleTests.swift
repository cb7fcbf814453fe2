import Testing
@testable import Server

/// The node runs each eviction in slices on later loop turns (Node/EvictionSchedule.swift), not in the timer's
/// callback, and finishes a run still going before the next one starts.
@Suite struct EvictionScheduleTests {
    /// 200 expired leases and a schedule that walks 10 leases and cancels 2 per loop turn: one run takes many turns.
    func slicedScheduleOverExpiredLeases() throws -> (EventLoop, LogHarness, EvictionSchedule) {
        let loop = try makeTestLoop()
        let h = LogHarness(selfPreservation: false)
        for i in 0..<200 { h.registryHarness.register(instance("i-\(i)")) }
        h.registryHarness.advance(90_001)
        let schedule = try EvictionSchedule(loop: loop, registry: h.registry, log: h.nodeLog,
                                            budget: .init(leases: 10, cancels: 2))
        return (loop, h, schedule)
    }

    @Test func aRunGoesOnOverLaterLoopTurns() throws {
        let (loop, h, schedule) = try slicedScheduleOverExpiredLeases()
        schedule.runDue()
        #expect(h.registry.instanceCount == 200)  // the tick walked 10 leases and left the rest for later turns
        loop.run()
        #expect(h.registry.instanceCount == 170)  // 200 - (int)(200 * 0.85)
        #expect(h.written.last?.contains("event=eviction_run expired=200 evicted=30") == true)
        schedule.close()
        loop.run()
        expectLoopClosesClean(loop)
    }

    @Test func aRunStillGoingIsFinishedBeforeTheNext() throws {
        let (loop, h, schedule) = try slicedScheduleOverExpiredLeases()
        schedule.runDue()
        h.registryHarness.advance(60_000)
        schedule.runDue()  // the first run completes here (30 evicted), the second starts
        #expect(h.registry.instanceCount == 170)
        loop.run()
        #expect(h.registry.instanceCount == 170 - 26)  // 170 - (int)(170 * 0.85)
        #expect(h.written.filter { $0.contains("event=eviction_run") }.count == 2)
        schedule.close()
        loop.run()
        expectLoopClosesClean(loop)
    }
}
