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

    /// Whether trims run (the process's `HeapTrim.afterLargeReleases`; tests pass true) and the clock the schedule
    /// reads, in milliseconds (tests pass one that lags or leads the loop's timers).
    private let enabled: Bool
    private let nowMs: () -> Int64

    init(loop: EventLoop, log: NodeLog, quietMs: Int64 = defaultQuietMs, enabled: Bool = HeapTrim.afterLargeReleases,
         nowMs: @escaping () -> Int64 = { Int64(Monotonic.micros() / 1_000) }) throws(UVError) {
        schedule = HeapTrimSchedule(quietMs: quietMs)
        timer = try LoopTimer(loop: loop)
        self.log = log
        self.enabled = enabled
        self.nowMs = nowMs
    }

    /// The registry let go of many records: their pages go back now.
    func trimNow() {
        guard enabled else { return }
        trim()
    }

    /// A document was built on the pool: trim once the builds have been quiet for `quietMs`. Restarting the timer
    /// is all a build costs the loop.
    func poolBuildFinished() {
        guard enabled else { return }
        schedule.buildFinished(at: nowMs())
        armTimer(afterMs: schedule.quietMs)
    }

    /// The timer counts from the loop's cached time, which lags the clock the schedule reads, so it can fire a little
    /// before the trim is due: then it waits for the rest instead of dropping the trim (with the node pinned to one
    /// core, memory.sh saw no trim at all after the last build).
    private func armTimer(afterMs ms: Int64) {
        timer.start(afterMs: UInt64(max(ms, 1)), repeatMs: 0) { [unowned self] in
            let now = nowMs()
            if schedule.takeDue(at: now) {
                trim()
            } else if let due = schedule.dueAt {
                armTimer(afterMs: due - now)
            }
        }
    }

    private func trim() {
        let micros = HeapTrim.run()
        longestMicros = max(longestMicros, micros)
        trims += 1
        log.heapTrimmed(micros: micros)
    }

    func close() { timer.close() }
}
