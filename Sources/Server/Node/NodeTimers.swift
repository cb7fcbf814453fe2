/// The registry's periodic work as loop timers (spec 5, 6.5): the timer says when, the registry says what.
final class NodeTimers {
    private var timers: [LoopTimer] = []
    /// Hands freed heap pages back after large releases and large pool builds (issue 19).
    let heapTrimmer: HeapTrimmer

    init(loop: EventLoop, config: ServerConfig, registry: InstanceRegistry, cache: ResponseCache, time: TimeSource,
         log: NodeLog) throws(UVError) {
        let heapTrimmer = try HeapTrimmer(loop: loop, log: log)
        self.heapTrimmer = heapTrimmer
        // `line`: the loop profile names each timer by the line that asked for it, not by this helper's.
        func every(_ ms: Int64, first: Int64? = nil, line: UInt = #line, _ action: @escaping () -> Void) throws(UVError) {
            let timer = try LoopTimer(loop: loop, line: line)
            timer.start(afterMs: UInt64(first ?? ms), repeatMs: UInt64(ms), action)
            timers.append(timer)
        }
        // The node's log hears of each eviction run and of self-preservation changes after each tick that may make one.
        try every(config.evictionIntervalTimerInMs) { [unowned registry, unowned log] in log.evictionRun(registry.evict()) }
        // R, renews in the last minute: a fixed 60 s rotation (spec 5.2, not configurable).
        try every(60_000) { [unowned registry, unowned log] in
            registry.rotateRenewsPerMinute()
            log.checkSelfPreservation()
        }
        try every(config.renewalThresholdUpdateIntervalMs) { [unowned registry, unowned log] in
            registry.updateRenewalThreshold()
            log.checkSelfPreservation()
        }
        try every(config.deltaRetentionTimerIntervalInMs) { [unowned registry, heapTrimmer] in
            registry.pruneRecentChanges()
            // After a large release (mass cancellation or eviction), freed pages go back to the system, on the loop.
            if registry.takeHeapTrimDue() { heapTrimmer.trimNow() }
        }
        if config.useReadOnlyResponseCache {
            // Ticks aligned to multiples of the interval on the wall clock (spec 6.5, OUR choice).
            let interval = config.responseCacheUpdateIntervalMs
            let now = time.nowMillis()
            let first = (now / interval + 1) * interval - now
            try every(interval, first: first) { [unowned cache] in cache.refreshReadOnly() }
        }
    }

    func close() {
        heapTrimmer.close()
        timers.forEach { $0.close() }
        timers.removeAll()
    }
}
