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
        let budget = try BulkWriteBudget(loop: loop, bytesPerTick: 100)
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
}
