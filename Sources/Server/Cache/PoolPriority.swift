import Glibc

/// Encoding a 100,000-instance registry takes seconds of CPU on a pool thread, on the same cores as the loop
/// (a node pinned to one core shares it). At equal priority the kernel lets that thread run its full slice
/// while the woken loop waits, a stall of milliseconds per answer. Nice 10 gives the pool thread a tenth of the
/// loop's weight, so the loop runs as soon as it has work and the encoding takes only what is left over.
/// Linux keeps the nice value per thread, so this lowers only the calling pool thread; it stays lowered
/// (raising it back needs privileges), which suits every job the pool runs here: all are background work.
enum PoolPriority {
    static let backgroundNice: Int32 = 10

    /// Call from the pool thread itself, never from the loop.
    static func lowerCurrentThread() {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        if getpriority(which, 0) < backgroundNice { _ = setpriority(which, 0, backgroundNice) }
    }
}
