/// When the node asks the allocator to trim (`HeapTrim`) after documents were built on the pool: once the builds
/// have stopped for `quietMs`, not after each. Each build frees its temporaries into a pool thread's heap (issue 19:
/// at 10,000 instances ~4.4 MB, ~440 B per instance, of freed per-application arrays stayed there until a trim);
/// while builds keep coming the next one reuses that memory, and a trim between them would cost the loop its
/// duration for nothing. A build restarts the wait, so the last build of a burst is always followed by one trim.
///
/// Pure (times are given), so tests drive it without a clock; `HeapTrimmer` runs it on the loop with a timer.
struct HeapTrimSchedule {
    let quietMs: Int64
    /// When the trim is due, while one is wanted.
    private(set) var dueAt: Int64?

    init(quietMs: Int64) { self.quietMs = quietMs }

    /// A pool build finished: a trim is wanted `quietMs` from now (any earlier due time moves back).
    mutating func buildFinished(at now: Int64) {
        dueAt = now + quietMs
    }

    /// True (once) when a trim is wanted and no build finished in the last `quietMs`.
    mutating func takeDue(at now: Int64) -> Bool {
        guard let due = dueAt, now >= due else { return false }
        dueAt = nil
        return true
    }
}
