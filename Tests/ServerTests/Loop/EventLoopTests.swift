import Testing
@testable import Server

/// The loop thread of an owned loop (a borrowed one is covered by EmbeddingTests).
@Suite struct EventLoopTests {
    @Test func anOwnedLoopKnowsItsThreadOnlyOnceRunning() throws {
        let loop = try makeTestLoop()
        #expect(!loop.isOnLoopThread)
        let timer = try LoopTimer(loop: loop)
        var onThread = false
        timer.start(afterMs: 0, repeatMs: 0) {
            onThread = loop.isOnLoopThread
            timer.close()
        }
        loop.run()
        #expect(onThread)
        expectLoopClosesClean(loop)
    }
}
