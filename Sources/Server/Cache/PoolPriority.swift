import Glibc

/// Encoding a 100,000-instance registry takes seconds of CPU on a pool thread, on the same cores as the loop
/// (a node pinned to one core shares it). At equal priority the kernel lets that thread run its full slice
/// while the woken loop waits, a stall of milliseconds per answer. Nice 19 gives the pool thread 1.5% of the
/// loop's weight (nice 10, a tenth, still let it delay the woken loop: heartbeat p99 3.3-3.5 ms against 0.7 ms at
/// nice 19 in bench/stall.py at 100,000 instances with the node on one core, RESULTS 06:53-06:56), so the loop runs
/// as soon as it has work and the encoding takes what is left over; it is never starved outright (not SCHED_IDLE):
/// a saturated loop still lets the full registry be rebuilt, only more slowly.
/// Linux keeps the nice value per thread, so this lowers only the calling pool thread; it stays lowered
/// (raising it back needs privileges), which suits every job the pool runs here: all are background work.
enum PoolPriority {
    static let backgroundNice: Int32 = 19

    /// Call from the pool thread itself, never from the loop.
    static func lowerCurrentThread() {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        if getpriority(which, 0) < backgroundNice { _ = setpriority(which, 0, backgroundNice) }
    }
}
