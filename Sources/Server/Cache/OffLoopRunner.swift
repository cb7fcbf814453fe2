/// What the cache needs to run pure work off the loop: `work` on another thread (it may capture only
/// Sendable values, which the compiler checks), `completion` back on the loop thread. Node/PoolRunner.swift
/// wraps uv_queue_work; tests use a runner that holds jobs until the test lets them finish. `label` names the
/// completion in the loop profile (bench/debug only, Loop/LoopProfile.swift).
protocol OffLoopRunner: AnyObject {
    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, label: String,
                               then completion: @escaping (Output) -> Void)
}

extension OffLoopRunner {
    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, then completion: @escaping (Output) -> Void) {
        run(work, label: "pool job", then: completion)
    }
}
