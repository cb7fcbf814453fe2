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
            admittedAtFirst = [budget.admit(100, for: stream), budget.admit(1, for: stream)]
            // The refused stream is resumed by the budget's own timer, at least a millisecond on.
            timer.start(afterMs: 5, repeatMs: 0) {
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
}
