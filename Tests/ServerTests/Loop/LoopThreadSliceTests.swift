import Foundation
import Synchronization
import Testing
@testable import Server

/// Issue 19: the loop thread asks the scheduler for a short slice, so it runs as soon as it wakes instead of after the
/// rest of a pool thread's slice; threads it starts later (libuv's pool) keep the kernel's default.
@Suite(.serialized) struct LoopThreadSliceTests {
    @Test func theSettingDefaultsTo100MicrosecondsAndRejectsWhatTheKernelCannotTake() throws {
        #expect(try ConfigLoader.load(arguments: []).loopSliceMicros == 0)
        #expect(try ConfigLoader.load(arguments: ["--eureka.node.loop-slice-us=100"]).loopSliceMicros == 100)
        #expect(try ConfigLoader.load(arguments: ["--eureka.node.loop-slice-us=250"]).loopSliceMicros == 250)
        for bad in ["-1", "100001", "fast"] {
            #expect(throws: ConfigError.self) { try ConfigLoader.load(arguments: ["--eureka.node.loop-slice-us=\(bad)"]) }
        }
    }

    /// What the threads saw, read by the test once they finished.
    private final class Seen: Sendable {
        let slices = Mutex<[String: Int]>([:])
        let errno = Mutex<Int32>(0)
        func note(_ name: String, _ micros: Int?) { slices.withLock { $0[name] = micros ?? -1 } }
    }

    /// On a thread of its own (the test runner's threads keep theirs): the slice is set, a thread started afterwards
    /// has the default, and 0 gives the default back. Kernels without custom slices (before 6.12) report none and
    /// ignore the value: then only the call's success is checked.
    @Test func aThreadStartedAfterTheSliceIsSetKeepsTheDefault() throws {
        let seen = Seen()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            seen.note("before", LoopThreadSlice.current())
            let applied = LoopThreadSlice.apply(micros: 300)
            seen.note("set", applied.reported)
            seen.errno.withLock { $0 = applied.errno }
            let childDone = DispatchSemaphore(value: 0)
            let started = Thread {
                seen.note("child", LoopThreadSlice.current())
                childDone.signal()
            }
            started.start()
            childDone.wait()
            seen.note("restored", LoopThreadSlice.apply(micros: 0).reported)
            done.signal()
        }
        thread.start()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(seen.errno.withLock { $0 } == 0)
        let slices = seen.slices.withLock { $0 }
        guard let before = slices["before"], before > 0 else { return }  // no custom slices on this kernel
        #expect(slices["set"] == 300)
        #expect(slices["child"] == before)
        #expect(slices["restored"] == before)
    }
}
