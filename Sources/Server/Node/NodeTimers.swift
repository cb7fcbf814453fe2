/// The registry's periodic work as loop timers (spec 5, 6.5): the timer says when, the registry says what.
final class NodeTimers {
    private var timers: [LoopTimer] = []

    init(loop: EventLoop, config: ServerConfig, registry: InstanceRegistry, cache: ResponseCache, time: TimeSource) throws(UVError) {
        func every(_ ms: Int64, first: Int64? = nil, _ action: @escaping () -> Void) throws(UVError) {
            let timer = try LoopTimer(loop: loop)
            timer.start(afterMs: UInt64(first ?? ms), repeatMs: UInt64(ms), action)
            timers.append(timer)
        }
        try every(config.evictionIntervalTimerInMs) { [unowned registry] in registry.evict() }
        // R, renews in the last minute: a fixed 60 s rotation (spec 5.2, not configurable).
        try every(60_000) { [unowned registry] in registry.rotateRenewsPerMinute() }
        try every(config.renewalThresholdUpdateIntervalMs) { [unowned registry] in registry.updateRenewalThreshold() }
        try every(config.deltaRetentionTimerIntervalInMs) { [unowned registry] in registry.pruneRecentChanges() }
        if config.useReadOnlyResponseCache {
            // Ticks aligned to multiples of the interval on the wall clock (spec 6.5, OUR choice).
            let interval = config.responseCacheUpdateIntervalMs
            let now = time.nowMillis()
            let first = (now / interval + 1) * interval - now
            try every(interval, first: first) { [unowned cache] in cache.refreshReadOnly() }
        }
    }

    func close() {
        timers.forEach { $0.close() }
        timers.removeAll()
    }
}
