import Testing
@testable import Server

/// The bulk write budget: bytes admitted per loop tick, streams over it flushed again on a later tick.
@Suite struct BulkWriteBudgetTests {
    @Test func aStreamOverTheTicksBudgetWaitsForALaterTick() throws {
        let loop = try makeTestLoop()
        let budget = try BulkWriteBudget(loop: loop, bytesPerTick: 100)
        let stream = try TCPStream(loop: loop)  // never connected: its flush() has nothing to write
        stream.bulkWriteBudget = budget
        let timer = try LoopTimer(loop: loop)
        var admittedAtFirst: [Bool] = []
        var admittedLater = false
        timer.start(afterMs: 0, repeatMs: 0) {
            let tick = loop.nowMillis
            budget.noteSmallWrite()  // heartbeats compete: the cap holds
            admittedAtFirst = [budget.admit(100, for: stream), budget.admit(1, for: stream)]
            // The refused stream is resumed by the budget's own timer, at least a millisecond on.
            timer.start(afterMs: 5, repeatMs: 0) {
                budget.noteSmallWrite()
                admittedLater = loop.nowMillis > tick && budget.admit(1, for: stream)
                budget.close()
                stream.close()
                timer.close()
            }
        }
        loop.run()
        #expect(admittedAtFirst == [true, false])
        #expect(admittedLater)
        expectLoopClosesClean(loop)
    }

    @Test func withNothingElseServedBulkWritesAreNotCapped() throws {
        let loop = try makeTestLoop()
        let budget = try BulkWriteBudget(loop: loop, bytesPerTick: 100, contendedTicks: 1)
        let stream = try TCPStream(loop: loop)
        stream.bulkWriteBudget = budget
        let timer = try LoopTimer(loop: loop)
        var alone: [Bool] = []
        var afterQuiet: [Bool] = []
        var contended: [Bool] = []
        timer.start(afterMs: 0, repeatMs: 0) {
            alone = (0..<5).map { _ in budget.admit(100, for: stream) }
            budget.noteSmallWrite()
            contended = (0..<2).map { _ in budget.admit(100, for: stream) }
            // Two ticks without a small answer: the cap is lifted again.
            timer.start(afterMs: 5, repeatMs: 0) {
                afterQuiet = (0..<5).map { _ in budget.admit(100, for: stream) }
                budget.close()
                stream.close()
                timer.close()
            }
        }
        loop.run()
        #expect(alone == [true, true, true, true, true])
        #expect(contended.filter { $0 }.count <= 1)  // the tick's 100 bytes were spent already or go once
        #expect(afterQuiet == [true, true, true, true, true])
        #expect(budget.backlog == 0)
        expectLoopClosesClean(loop)
    }

    /// Issue 19: a pause of a few ticks between small answers (a heartbeat client not scheduled) keeps the cap: no
    /// tick admits more than its budget until `contendedTicks` have passed without one. Injected clock, no sleeps.
    @Test func theCapHoldsThroughShortPausesBetweenSmallAnswers() throws {
        let loop = try makeTestLoop()
        var tick: UInt64 = 1_000
        let budget = try BulkWriteBudget(loop: loop, bytesPerTick: 100, now: { tick })
        #expect(BulkWriteBudget.defaultContendedTicks == 10)
        let stream = try TCPStream(loop: loop)  // never connected: nothing is written
        stream.bulkWriteBudget = budget
        func admitted(_ tries: Int) -> Int { (0..<tries).filter { _ in budget.admit(100, for: stream) }.count }
        budget.noteSmallWrite()
        #expect(admitted(5) == 1)  // the tick's 100 bytes
        var perTick: [Int] = []
        for _ in 0..<10 {  // no small answer for ten ticks: each still admits one tick's budget
            tick += 1
            perTick.append(admitted(5))
        }
        #expect(perTick == Array(repeating: 1, count: 10))
        tick += 1  // the eleventh quiet tick: bulk writes alone, uncapped
        #expect(admitted(5) == 5)
        budget.noteSmallWrite()  // a small answer again: capped from this tick on
        tick += 1
        #expect(admitted(5) == 1)
        budget.close()
        stream.close()
        loop.run()
        expectLoopClosesClean(loop)
    }
}
