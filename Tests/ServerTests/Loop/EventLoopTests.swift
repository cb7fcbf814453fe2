import Glibc
import Testing
@testable import Server

/// The loop thread of an owned loop (a borrowed one is covered by EmbeddingTests), and the idle action that tells
/// a stopping node nothing of it is left on the loop.
@Suite(.serialized) struct EventLoopTests {
    @Test func anOwnedLoopBelongsToItsCreatorUntilAnotherThreadRunsIt() throws {
        let loop = try makeTestLoop()
        #expect(loop.isOnLoopThread)  // in-process calls may come before the run, from the creating thread
        #expect(!Self.isLoopThreadForAnotherThread(loop))
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

    @Test func theIdleActionWaitsForTheLastCloseCallback() throws {
        let loop = try makeTestLoop()
        let first = try LoopTimer(loop: loop)
        let second = try LoopTimer(loop: loop)
        var idleRuns = 0
        first.close()
        loop.whenIdle { idleRuns += 1 }
        second.close()
        #expect(idleRuns == 0)  // both still closing: their callbacks come on the next turn
        loop.run()
        #expect(idleRuns == 1)
        loop.whenIdle { idleRuns += 1 }  // idle already: at once
        #expect(idleRuns == 2)
        expectLoopClosesClean(loop)
    }

    @Test func aPoolJobInFlightKeepsTheLoopFromBeingIdle() throws {
        let loop = try makeTestLoop()
        var finished = false
        var finishedBeforeIdle = false
        try PoolJob(work: { usleep(20_000) }, completion: { finished = true }).submit(to: loop)
        loop.whenIdle { finishedBeforeIdle = finished }
        loop.run()
        #expect(finished && finishedBeforeIdle)
        expectLoopClosesClean(loop)
    }

    /// Whether a thread other than the caller's counts as the loop thread.
    private static func isLoopThreadForAnotherThread(_ loop: EventLoop) -> Bool {
        final class Question: @unchecked Sendable {  // handed to the thread and read after pthread_join
            let loop: EventLoop
            var answer = true
            init(_ loop: EventLoop) { self.loop = loop }
        }
        let question = Question(loop)
        var thread = pthread_t()
        let box = Unmanaged.passRetained(question).toOpaque()
        pthread_create(&thread, nil, { raw in
            let question = Unmanaged<Question>.fromOpaque(raw!).takeRetainedValue()
            question.answer = question.loop.isOnLoopThread
            return nil
        }, box)
        pthread_join(thread, nil)
        return question.answer
    }
}
