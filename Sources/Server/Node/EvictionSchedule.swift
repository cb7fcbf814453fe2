/// Runs each eviction (spec 5.1) in slices, one per loop turn (Registry/EvictionRun.swift): the interval timer
/// starts a run and does its first slice, a 1 ms one-shot timer each next one (1 ms, not 0: a zero-delay timer
/// started from a timer callback is due in the same pass over libuv 1.44's timers, so every slice would run in one
/// go). A run still going when the next is due (a registry so large its slices outlast the interval) is finished at
/// once first, so runs never overlap and each keeps its own compensation. Loop thread only.
final class EvictionSchedule {
    private unowned let registry: InstanceRegistry
    private let log: NodeLog
    private let budget: EvictionRun.Budget
    private let step: LoopTimer
    private var run: EvictionRun?

    init(loop: EventLoop, registry: InstanceRegistry, log: NodeLog,
         budget: EvictionRun.Budget = .default) throws(UVError) {
        self.registry = registry
        self.log = log
        self.budget = budget
        step = try LoopTimer(loop: loop)
    }

    /// The interval timer's tick.
    func runDue() {
        if let run {
            step.stop()
            while !run.advance() {}
            finished(run)
        }
        let run = registry.beginEviction(budget: budget)
        self.run = run
        advance(run)
    }

    private func advance(_ run: EvictionRun) {
        guard run.advance() else {
            step.start(afterMs: 1, repeatMs: 0) { [unowned self] in advance(run) }
            return
        }
        finished(run)
    }

    /// The node's log hears of each run (and of self-preservation changes after each tick that may make one).
    private func finished(_ run: EvictionRun) {
        if self.run === run { self.run = nil }
        log.evictionRun(run.summary)
    }

    func close() {
        step.close()
        run = nil
    }
}
