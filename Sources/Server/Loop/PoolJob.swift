import CLibUV

/// One uv_work_t: pure work on libuv's thread pool, its completion back on the loop thread.
/// Non-generic, because a C callback cannot capture a generic parameter.
class PoolJobBase {
    private let request = UnsafeMutablePointer<uv_work_t>.allocate(capacity: 1)
    /// Set by `submit`; the loop outlives the job, which it counts in flight until the after-work callback.
    private unowned(unsafe) var loop: EventLoop?
    /// What LoopProfile names this job's after-work callback by.
    var label = "pool job"
    deinit { request.deallocate() }
    func runOnPool() {}
    func finishOnLoop(cancelled: Bool) {}

    /// The +1 taken here is dropped in the after-work callback, which libuv always calls (also when
    /// the request was cancelled), so the job lives exactly as long as libuv holds the request.
    /// The loop counts the job in flight, so a node's stop waits for it (its completion reaches the node).
    final func submit(to loop: EventLoop) throws(UVError) {
        self.loop = loop
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        let rc = uv_queue_work(loop.raw, request, { r in
            Unmanaged<PoolJobBase>.fromOpaque(r!.pointee.data).takeUnretainedValue().runOnPool()
        }, { r, status in
            let job = Unmanaged<PoolJobBase>.fromOpaque(r!.pointee.data).takeRetainedValue()
            let loop: EventLoop = job.loop!  // held to the end: the idle action may drop every other reference
            withExtendedLifetime(loop) {
                if loop.isProfiling, let profile = loop.profile {
                    profile.measure("after-work \(job.label)") { job.finishOnLoop(cancelled: status == UV_ECANCELED.rawValue) }
                } else {
                    job.finishOnLoop(cancelled: status == UV_ECANCELED.rawValue)
                }
                loop.requestFinished()
            }
        })
        if rc < 0 {
            Unmanaged.passUnretained(self).release()
            throw UVError(code: rc)
        }
        loop.requestStarted()
    }
}

/// `work` runs on a pool thread and may capture only Sendable values (checked); `completion` runs on the
/// loop. libuv's hand-off (the pool thread's done-queue lock, then uv_async_send) orders the write of
/// `output` before its read on the loop: hence @unchecked, and this is the only class that needs it here.
final class PoolJob<Output: Sendable>: PoolJobBase, @unchecked Sendable {
    private let work: @Sendable () -> Output
    private let completion: (Output) -> Void
    private var output: Output?

    init(work: @escaping @Sendable () -> Output, completion: @escaping (Output) -> Void) {
        self.work = work
        self.completion = completion
    }

    override func runOnPool() { output = work() }

    /// Nothing here calls uv_cancel; if something ever does, the work runs on the loop instead, so a
    /// completion (and whoever waits for it) is never lost.
    override func finishOnLoop(cancelled: Bool) { completion(output ?? work()) }
}
