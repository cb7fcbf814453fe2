import Glibc
import Testing
@testable import Server

/// PoolRunner over a real loop: work off the loop thread, completions on it, and the loop closes clean.
@Suite struct CachePoolRunnerTests {
    @Test func jobsRunOffTheLoopAndCompleteOnItInOrderOfSubmission() throws {
        let loop = try makeTestLoop()
        let runner = PoolRunner(loop: loop)
        let jobs = 200
        var completed = 0
        var offLoop = 0
        var startedAt = 0
        let timer = try LoopTimer(loop: loop)
        // One job after another, each submitted from the previous completion: the round trip of one hand-off.
        func next() {
            guard completed < jobs else { return }
            runner.run({ pthread_self() }, then: { worker in
                #expect(loop.isOnLoopThread)
                if pthread_equal(worker, pthread_self()) == 0 { offLoop += 1 }
                completed += 1
                next()
            })
        }
        timer.start(afterMs: 0, repeatMs: 0) {
            startedAt = Monotonic.micros()
            next()
            timer.close()
        }
        loop.run()
        let micros = Monotonic.micros() - startedAt
        #expect(completed == jobs)
        #expect(offLoop == jobs)
        #expect(loop.activeHandleCount == 0)
        expectLoopClosesClean(loop)
        print("pool round trip: \(micros / jobs) us per job over \(jobs) jobs")
    }
}
