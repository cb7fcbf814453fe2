/// The registry's periodic work as loop timers (spec 5, 6.5): the timer says when, the registry says what.
final class NodeTimers {
    private var timers: [LoopTimer] = []
    private let eviction: EvictionSchedule
    /// Hands freed heap pages back after large releases and large pool builds (issue 19).
    let heapTrimmer: HeapTrimmer

    init(loop: EventLoop, config: ServerConfig, registry: InstanceRegistry, cache: ResponseCache, time: TimeSource,
         log: NodeLog) throws(UVError) {
        eviction = try EvictionSchedule(loop: loop, registry: registry, log: log)
        let heapTrimmer = try HeapTrimmer(loop: loop, log: log)
        self.heapTrimmer = heapTrimmer
        // `line`: the loop profile names each timer by the line that asked for it, not by this helper's.
        func every(_ ms: Int64, first: Int64? = nil, line: UInt = #line, _ action: @escaping () -> Void) throws(UVError) {
            let timer = try LoopTimer(loop: loop, line: line)
            timer.start(afterMs: UInt64(first ?? ms), repeatMs: UInt64(ms), action)
            timers.append(timer)
        }
        // Each run in slices over loop turns (EvictionSchedule): all 100,000 leases in one callback held the loop ~3 ms.
        try every(config.evictionIntervalTimerInMs) { [unowned eviction] in eviction.runDue() }
        // R, renews in the last minute: a fixed 60 s rotation (spec 5.2, not configurable).
        try every(60_000) { [unowned registry, unowned log] in
            registry.rotateRenewsPerMinute()
            log.checkSelfPreservation()
        }
        try every(config.renewalThresholdUpdateIntervalMs) { [unowned registry, unowned log] in
            registry.updateRenewalThreshold()
            log.checkSelfPreservation()
        }
        // The retention task frees a mass cancellation in steps of `heapTrimAfterReleasedRecords` records, each
        // followed by a heap trim on the loop, one step per loop turn: a trim costs the loop about what it returns
        // (issue 19: 10-22 ms after 10,000 records on the loaded machine), so the steps keep each one short.
        unowned let pruneStep = try LoopTimer(loop: loop)  // held by `timers`
        timers.append(pruneStep)
        unowned let registry = registry
        func prune() {
            let more = registry.pruneRecentChanges(maxReleased: InstanceRegistry.heapTrimAfterReleasedRecords)
            if registry.takeHeapTrimDue() { heapTrimmer.trimNow() }
            if more { pruneStep.start(afterMs: 1, repeatMs: 0) { prune() } }
        }
        try every(config.deltaRetentionTimerIntervalInMs) { prune() }
        if config.useReadOnlyResponseCache {
            // Ticks aligned to multiples of the interval on the wall clock (spec 6.5, OUR choice).
            let interval = config.responseCacheUpdateIntervalMs
            let now = time.nowMillis()
            let first = (now / interval + 1) * interval - now
            try every(interval, first: first) { [unowned cache] in cache.refreshReadOnly() }
        }
    }

    func close() {
        eviction.close()
        heapTrimmer.close()
        timers.forEach { $0.close() }
        timers.removeAll()
    }
}
