import Testing
@testable import Server

/// The ending of every loop-level test, after libuv's MAKE_VALGRIND_HAPPY: each owner closed its handles
/// (the per-kind counters are back to zero) and `uv_loop_close` returns 0. A leak fails the test that made
/// it instead of hiding until the loop is freed.
func expectLoopClosesClean(_ loop: EventLoop, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(loop.openHandleCount == 0, "handles left open (opened/closed): \(loop.handleCounts)", sourceLocation: sourceLocation)
    #expect(loop.activeHandleCount == 0, "libuv still holds handles", sourceLocation: sourceLocation)
    #expect(loop.close() == 0, "uv_loop_close", sourceLocation: sourceLocation)
}

/// An owned loop for a test, after the process-wide test set-up.
func makeTestLoop() throws -> EventLoop {
    TestProcess.setUp()
    return try EventLoop()
}
