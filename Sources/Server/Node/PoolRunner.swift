/// OffLoopRunner over libuv's thread pool (Loop/PoolJob.swift).
final class PoolRunner: OffLoopRunner {
    private let loop: EventLoop
    /// On the loop after each job's completion: the node asks for a heap trim there, since the job's temporaries
    /// were freed in a pool thread's heap (issue 19). Loop thread only.
    var afterEachJob: (() -> Void)?

    init(loop: EventLoop) { self.loop = loop }

    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, label: String,
                               then completion: @escaping (Output) -> Void) {
        do {
            let job = PoolJob(work: work, completion: afterEachJob.map { after in { completion($0); after() } } ?? completion)
            if loop.profile != nil { job.label = label }
            try job.submit(to: loop)
        } catch {
            // uv_queue_work rejects only invalid arguments; should it fail, finish inline so no reader waits forever.
            completion(work())
        }
    }
}
