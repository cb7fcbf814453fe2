import Glibc

/// Encoding a 100,000-instance registry takes seconds of CPU off the loop, on the same cores as the loop (a node
/// pinned to one core shares it). At equal priority the kernel lets that thread run its full slice while the woken
/// loop waits, a stall of milliseconds per answer. Nice 19 narrows that, but the kernel still owes a nice-19 thread
/// its 1.5% of the core and pays it in chunks of up to a tick or two: with the loop saturated, perf sched showed the
/// loop runnable for 6.9 ms while two encodings ran 2.8 and 4.0 ms (EEVDF's lag clamp is max(2 slices, 1 tick), 4 ms
/// at HZ=250), and heartbeat p99.9 under load stayed at 2.7-4.1 ms against 0.4-0.8 idle. Under SCHED_IDLE a woken
/// loop always preempts the encoding (heartbeat p99.9 under load 1.3-1.8 ms, bench/RESULTS.md), but its weight is 3:
/// on a host whose cores other work keeps busy it gets almost nothing (two busy loops on this machine's two cores kept
/// a 12,000-instance build from finishing in 3 minutes). So SCHED_IDLE is used only when nobody waits for the result
/// (`idle`: the cache answers every key from its read-only level meanwhile); a first build, and builds readers wait
/// for, run at nice 19, slow on a busy host but never far behind.
///
/// The lowered priority must never reach a thread of libuv's pool. A pool thread signals each finished job with
/// `uv_async_send`, and libuv 1.44 (Debian 12) makes the loop busy-wait, with `sched_yield`, while a sender is between
/// waking the loop and marking its signal sent. The woken loop preempts a nice-19 sender on a shared core right inside
/// that window, and yielding to a thread of 1.5% its weight gives it the core only after milliseconds: the loop spun
/// for 14-47 ms of its own CPU in libuv's poll phase (bench/RESULTS.md, "the spinning hand-back"). Linux keeps nice per
/// thread and raising it back needs privileges, so the encoding runs on a short-lived thread of its own
/// (`inBackground`) while the pool thread, at its normal priority, sleeps until it is done and then signals.
enum PoolPriority {
    static let backgroundNice: Int32 = 19

    /// Runs `body` on a new thread at nice 19, under SCHED_IDLE too when `idle`, and returns its result; the calling
    /// thread sleeps (joins) meanwhile and keeps its own priority. Should no thread be available (`pthread_create` fails), `body`
    /// runs on the calling thread at its priority: slower heartbeats while it runs, but the job is done.
    static func inBackground<Output>(idle: Bool, _ body: () -> Output) -> Output {
        withoutActuallyEscaping(body) { body in
            var output: Output?
            let call = BackgroundCall {
                nameCurrentThread()
                lowerCurrentThread(idle: idle)
                output = body()
            }
            let context = Unmanaged.passRetained(call)
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { raw in
                let call = Unmanaged<BackgroundCall>.fromOpaque(raw!).takeRetainedValue()
                call.run()
                return nil
            }, context.toOpaque())
            if started == 0 {
                pthread_join(thread, nil)
            } else {
                context.release()
                output = body()
            }
            return output!
        }
    }

    /// Lowers the calling thread for good: only for threads that are this project's own and end with their job.
    private static func lowerCurrentThread(idle: Bool) {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        if getpriority(which, 0) < backgroundNice { _ = setpriority(which, 0, backgroundNice) }
        guard idle else { return }
        var param = sched_param(sched_priority: 0)
        _ = sched_setscheduler(0, idlePolicy, &param)  // 0: the calling thread; no privilege needed to lower
    }

    /// SCHED_IDLE (Linux; Glibc's module does not export the name).
    static let idlePolicy: Int32 = 5

    /// The calling thread's scheduling policy (tests, diagnostics).
    static func currentPolicy() -> Int32 { sched_getscheduler(0) }

    /// "eureka-encode" in `top -H` and /proc (Glibc's module has no pthread_setname_np; the kernel takes the name from
    /// the thread's own comm file).
    private static func nameCurrentThread() {
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "eureka-encode", 13)
        close(fd)
    }

    /// The calling thread's nice value (tests, diagnostics).
    static func currentNice() -> Int32 { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
}

/// The work of one `inBackground` call, handed to its thread through pthread's context pointer.
private final class BackgroundCall {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
