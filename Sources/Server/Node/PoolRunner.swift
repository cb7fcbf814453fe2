/// OffLoopRunner over libuv's thread pool (Loop/PoolJob.swift).
final class PoolRunner: OffLoopRunner {
    private let loop: EventLoop

    init(loop: EventLoop) { self.loop = loop }

    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, label: String,
                               then completion: @escaping (Output) -> Void) {
        do {
            let job = PoolJob(work: work, completion: completion)
            if loop.profile != nil { job.label = label }
            try job.submit(to: loop)
        } catch {
            // uv_queue_work rejects only invalid arguments; should it fail, finish inline so no reader waits forever.
            completion(work())
        }
    }
}
