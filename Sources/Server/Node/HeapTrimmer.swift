/// Runs `HeapTrim` on the loop: at once after the registry released many records, and after pool builds once they
/// have stopped for a while (`HeapTrimSchedule`), from a one-shot timer. Loop thread only. Does nothing unless the
/// process turned trimming on (`HeapTrim.afterLargeReleases`, the executable's choice).
final class HeapTrimmer {
    /// One second without a pool build: under continuous rebuilds no trim runs (each build reuses what the last one
    /// freed), and memory.sh's reading three seconds after the last fetch sees the freed buffers returned.
    static let defaultQuietMs: Int64 = 1_000

    private var schedule: HeapTrimSchedule
    private let timer: LoopTimer
    private let log: NodeLog
    /// The longest trim so far, in microseconds, and how many ran (tests; the log has each one).
    private(set) var longestMicros = 0
    private(set) var trims = 0

    init(loop: EventLoop, log: NodeLog, quietMs: Int64 = defaultQuietMs) throws(UVError) {
        schedule = HeapTrimSchedule(quietMs: quietMs)
        timer = try LoopTimer(loop: loop)
        self.log = log
    }

    /// The registry let go of many records: their pages go back now.
    func trimNow() {
        guard HeapTrim.afterLargeReleases else { return }
        trim()
    }

    /// A document was built on the pool: trim once the builds have been quiet for `quietMs`. Restarting the timer
    /// is all a build costs the loop.
    func poolBuildFinished() {
        guard HeapTrim.afterLargeReleases else { return }
        schedule.buildFinished(at: Self.nowMs())
        timer.start(afterMs: UInt64(schedule.quietMs), repeatMs: 0) { [unowned self] in
            if schedule.takeDue(at: Self.nowMs()) { trim() }
        }
    }

    private func trim() {
        let micros = HeapTrim.run()
        longestMicros = max(longestMicros, micros)
        trims += 1
        log.heapTrimmed(micros: micros)
    }

    private static func nowMs() -> Int64 { Int64(Monotonic.micros() / 1_000) }

    func close() { timer.close() }
}
