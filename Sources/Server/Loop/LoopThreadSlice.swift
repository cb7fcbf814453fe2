import CLibUV

/// The loop thread's time slice (issue 19). Payload builds run on pool threads at nice 19 on the same cores; when the
/// loop wakes while one of them runs, Linux's EEVDF scheduler (6.6 and later) lets the running thread finish its
/// slice first unless the woken one asks for a shorter slice (6.12 and later: sched_setattr's sched_runtime for
/// SCHED_OTHER). The default slice is 0.75 ms times 1 + log2(CPUs), 1.4 ms here, which is the size of the gap
/// between heartbeat p99.9 under load and at idle. A shorter slice changes no CPU share (that is still the nice
/// value's), only how soon the loop runs after it wakes. Older kernels accept the call and ignore the value.
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
