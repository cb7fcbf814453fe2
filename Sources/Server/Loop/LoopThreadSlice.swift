import CLibUV

/// The loop thread's time slice (issue 19). When the loop wakes while another thread runs on its core, Linux's EEVDF
/// scheduler (6.6 and later) lets the running thread finish its slice first unless the woken one asks for a shorter
/// slice (6.12 and later: sched_setattr's sched_runtime for SCHED_OTHER). A shorter slice changes no CPU share, only
/// how soon the loop runs after it wakes. Older kernels accept the call and ignore the value.
/// Off by default (`eureka.node.loop-slice-us` 0): the payload builds it was made for now run under SCHED_IDLE
/// (PoolPriority), which a woken loop preempts anyway, and with a 100 us slice the loop's yields in libuv 1.44's
/// async spin handed the core back to a pool thread ~2 ms later than with the default (bench/RESULTS.md). Left for a
/// node sharing its cores with other work of normal priority.
/// The eureka-server executable sets it for its main thread, which runs the loop; an embedding host schedules its
/// own threads.
public enum LoopThreadSlice {
    /// Sets the calling thread's slice (0: the kernel's default). Returns the slice the kernel reports afterwards
    /// in microseconds, or nil with `errno` when the call failed (a policy other than SCHED_OTHER, a seccomp filter).
    public static func apply(micros: Int) -> (reported: Int?, errno: Int32) {
        let rc = eureka_thread_slice_set(UInt64(max(0, micros)) * 1_000)
        guard rc == 0 else { return (nil, -rc) }
        return (current(), 0)
    }

    /// The calling thread's slice in microseconds as the kernel reports it (0 on kernels without one).
    public static func current() -> Int? {
        var nanos: UInt64 = 0
        guard eureka_thread_slice_get(&nanos) == 0 else { return nil }
        return Int(nanos / 1_000)
    }
}
