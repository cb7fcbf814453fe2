/// OffLoopRunner over libuv's thread pool (Loop/PoolJob.swift).
final class PoolRunner: OffLoopRunner {
    private let loop: EventLoop

    init(loop: EventLoop) { self.loop = loop }

    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, then completion: @escaping (Output) -> Void) {
        do {
            try PoolJob(work: work, completion: completion).submit(to: loop)
        } catch {
            // uv_queue_work rejects only invalid arguments; should it fail, finish inline so no reader waits forever.
            completion(work())
        }
    }
}
