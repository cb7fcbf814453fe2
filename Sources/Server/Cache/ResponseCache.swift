/// The two-level response cache of spec 6: a read-write level filled on demand, invalidated by registry
/// changes and expiring `autoExpirationMs` after generation, and (optionally) a read-only level in front
/// of it that only refreshes update: the wall-clock tick, or with immediate propagation (spec 10) the end
/// of the loop turn that invalidated it. Loop thread only.
///
/// A value is generated from a snapshot of the registry taken on the loop; small snapshots are encoded at
/// once, large ones on the pool through `runner`, and meanwhile readers get the previous read-only value
/// or wait (`.pending`) without blocking the loop (spec 6.7).
final class ResponseCache {
    struct Settings: Sendable {
        var useReadOnlyLevel = true
        var autoExpirationMs: Int64 = 180_000
        /// Beyond Netflix (spec 10): regenerate invalidated read-only entries at the end of the loop turn.
        var immediatePropagation = false
        /// Instance-keys of one generation above which it runs off the loop (see PayloadBuilder).
        var offLoopThreshold = PayloadBuilder.defaultOffLoopThreshold
        /// Keys of per-name documents (`/apps/{app}`, `/vips`, `/svips`) kept; past it the least recently read go
        /// (`eureka.node.response-cache-max-entries`). The full registry and the delta are never evicted.
        var maxNamedEntries = 10_000
        /// Keys one refresh step regenerates; the rest wait for the next loop turn (see `scheduleRefreshStep`).
        var refreshStepKeys = 64
        /// Leases a registry-wide snapshot copies per loop turn (see RegistryWalk).
        var snapshotSliceRecords = Self.defaultSnapshotSliceRecords
        init() {}

        /// ~1 us per record on this machine (decorating a record copies ~20 references): about 0.5 ms per turn,
        /// so a 100,000-instance snapshot takes 200 turns, each leaving the loop to serve what waits between them.
        /// 1,000 (1-2 ms a slice) was the largest callback left in the iterations of the slowest heartbeats under
        /// load (issue 19, bench/RESULTS.md); the ~100 extra pool round trips cost ~55 us each, off the slices.
        static let defaultSnapshotSliceRecords = 500
    }

    struct Metrics: Sendable {
        var hits = 0
        var misses = 0
        /// Readers that got `.pending` and were answered when the generation finished.
        var waits = 0
        var generations = 0
        var offLoopGenerations = 0
        /// Of those, the ones run under SCHED_IDLE: every key already had a read-only value to answer with (see
        /// PoolPriority).
        var idleGenerations = 0
        var generatedBytes = 0
        /// Encoding + gzip, wherever it ran; snapshots are taken on the loop and counted apart.
        var generationMicros = 0
        var snapshotMicros = 0
        /// Per-name keys dropped as least recently read beyond `maxNamedEntries`.
        var evictions = 0
        /// Loop turns snapshots took, and the most leases one turn copied (bounded by the slice size).
        var snapshotTurns = 0
        var largestSnapshotSlice = 0
    }

    enum Lookup {
        case ready(Payload)
        /// Being generated: `build.whenReady(key)` delivers the value on the loop.
        case pending(PendingBuild)
    }

    private let settings: Settings
    private let time: TimeSource
    private let runner: OffLoopRunner
    private let registry: InstanceRegistry
    private var readWrite: [CacheKey: Payload] = [:]
    private var readOnly: [CacheKey: Payload] = [:]
    /// The newest generation of each key not invalidated since it started: later readers join it.
    private var building: [CacheKey: PendingBuild] = [:]
    /// Read-only keys to regenerate; one refresh in flight at a time, the next takes whatever piled up.
    private var refreshWanted: Set<CacheKey> = []
    private var refreshInFlight = false
    private var propagationScheduled = false
    private var lastSequence: UInt64 = 0
    /// Per-name keys by recency (`readTick` at their last read): what LRU eviction sorts.
    private var lastRead: [CacheKey: UInt64] = [:]
    private var readTick: UInt64 = 0
    private(set) var metrics = Metrics()
    /// Snapshot walks waiting for their next slice, oldest first. One pool round trip is in flight at a time and
    /// each brings back one slice, so two walks (a refresh and a reader's miss) take turns instead of both
    /// handing a slice back in the same loop iteration (issue 19: the loop profile's 3.5-5 ms iterations were two
    /// 1-2 ms slices completed together by libuv's one pass over finished pool jobs).
    private var slicesWaiting: [() -> Void] = []
    private var sliceTripInFlight = false
    /// Immediate propagation: asks the loop to call `propagate()` once at the end of this turn (Node wires
    /// a zero-delay timer); called at most once until `propagate()` runs, so invalidations coalesce.
    var schedulePropagation: (() -> Void)?
    /// Asks the loop to call `continueRefresh()` on a later turn, so a refresh of many keys runs in steps of
    /// `refreshStepKeys` with the loop free between them (issue #18: 3,000 VIP keys refreshed in one timer callback
    /// held the loop for seconds). Without it (tests of the cache alone) a refresh runs whole.
    var scheduleRefreshStep: (() -> Void)?

    /// Values are snapshots of `registry`; the owner routes the registry's events to `invalidate(after:)`.
    init(settings: Settings, time: TimeSource, runner: OffLoopRunner, registry: InstanceRegistry) {
        self.settings = settings
        self.time = time
        self.runner = runner
        self.registry = registry
    }

    /// The value a reader of `key` gets now, or the generation to wait for (spec 6.5, 6.6, 6.7.1).
    func read(_ key: CacheKey) -> Lookup {
        if key.entity.isNamed { noteRead(key) }
        if settings.useReadOnlyLevel, let value = readOnly[key] {
            metrics.hits += 1
            return .ready(value)
        }
        if let value = readWrite[key], !isExpired(value) {
            metrics.hits += 1
            if settings.useReadOnlyLevel { readOnly[key] = value }
            return .ready(value)
        }
        return generate(key)
    }

    /// The value as of the registry now, skipping the read-only level (the long-poll delta must include the change
    /// it waited for): the read-write value if no change came after its snapshot, else a generation.
    func readFresh(_ key: CacheKey) -> Lookup {
        if let value = readWrite[key], !isExpired(value), value.changeSequence == registry.latestChangeSequence {
            metrics.hits += 1
            return .ready(value)
        }
        return generate(key)
    }

    /// A miss: joins the generation in flight for `key` or starts one.
    private func generate(_ key: CacheKey) -> Lookup {
        metrics.misses += 1
        let build = building[key] ?? start([key], isRefresh: false)
        if let value = build.results?[key] { return .ready(value) }
        metrics.waits += 1
        return .pending(build)
    }

    /// Deletes the read-write entries a change touches (spec 6.4) and marks generations in flight for them
    /// stale. Readers of the read-only level see the change at the next refresh tick, or with immediate
    /// propagation once the end-of-turn regeneration finishes.
    /// What a registry change does to the cache (6.4): events that change nothing cached are dropped before
    /// their VIP lists are built, and while the cache holds nothing (no reader yet) every event is.
    func invalidate(after event: RegistryEvent) {
        guard event.invalidates, !isEmpty(propagating: settings.useReadOnlyLevel && settings.immediatePropagation) else {
            return
        }
        invalidate(app: event.app, vips: event.vipNames, svips: event.secureVipNames)
    }

    func invalidate(app: String, vips: [Substring], svips: [Substring]) {
        let propagate = settings.useReadOnlyLevel && settings.immediatePropagation
        let entries = readWrite.count + building.count + (propagate ? readOnly.count : 0)
        if entries < CacheKey.variantCount * (3 + vips.count + svips.count) {
            // Fewer entries than keys the change could reach: test the entries that exist instead of building
            // and hashing every key (same outcome, a fraction of the work while few documents were read).
            let touched = { (key: CacheKey) in key.entity.isTouched(byChangeTo: app, vips: vips, svips: svips) }
            for key in readWrite.keys.filter(touched) { readWrite[key] = nil }
            for key in building.keys.filter(touched) { building.removeValue(forKey: key)!.stale.insert(key) }
            if propagate { refreshWanted.formUnion(readOnly.keys.filter(touched)) }
        } else {
            for key in CacheKey.invalidated(app: app, vips: vips, svips: svips) {
                readWrite[key] = nil
                if let build = building.removeValue(forKey: key) { build.stale.insert(key) }
                if propagate, readOnly[key] != nil { refreshWanted.insert(key) }
            }
        }
        if propagate, !refreshWanted.isEmpty, !propagationScheduled {
            propagationScheduled = true
            schedulePropagation?()
        }
    }

    /// Nothing an invalidation could remove, mark stale or schedule.
    private func isEmpty(propagating propagate: Bool) -> Bool {
        readWrite.isEmpty && building.isEmpty && refreshWanted.isEmpty && (!propagate || readOnly.isEmpty)
    }

    /// End of the turn that invalidated (immediate propagation): regenerate what piled up, from one snapshot.
    func propagate() {
        propagationScheduled = false
        startRefreshIfIdle()
    }

    /// The refresh tick (spec 6.5): every read-only key takes the current read-write value, regenerating it
    /// if it was invalidated or expired. Those regenerations share one snapshot and install together.
    func refreshReadOnly() {
        guard settings.useReadOnlyLevel else { return }
        for (key, current) in readOnly {
            if let value = readWrite[key], !isExpired(value) {
                if value.sequence > current.sequence { readOnly[key] = value }
            } else if building[key] == nil {
                refreshWanted.insert(key)
            }
        }
        startRefreshIfIdle()
    }

    /// The next refresh step: every key of the full registry and the delta (one snapshot turn, spec 6.7.3), then
    /// whole entities up to `refreshStepKeys` keys; the rest stays wanted for the next step.
    private func startRefreshIfIdle() {
        guard !refreshInFlight, !refreshWanted.isEmpty else { return }
        var keys: [CacheKey]
        if scheduleRefreshStep == nil || refreshWanted.count <= settings.refreshStepKeys {
            keys = Array(refreshWanted)
            refreshWanted = []
        } else {
            // Work in the step's keys, not in all those wanted: a step looks up the unnamed keys and takes named
            // entities in the set's order until it has enough.
            keys = (CacheKey.variants(of: .allApps) + CacheKey.variants(of: .delta)).filter { refreshWanted.contains($0) }
            var entities: Set<CacheEntity> = []
            for key in refreshWanted where key.entity.isNamed && entities.insert(key.entity).inserted {
                keys += CacheKey.variants(of: key.entity).filter { refreshWanted.contains($0) }
                if keys.count >= settings.refreshStepKeys { break }
            }
            for key in keys { refreshWanted.remove(key) }
        }
        refreshInFlight = true
        start(keys, isRefresh: true)
    }

    /// A later loop turn after a refresh step (`scheduleRefreshStep`).
    func continueRefresh() {
        startRefreshIfIdle()
    }

    // MARK: per-name keys: least recently read beyond the cap are evicted

    private func noteRead(_ key: CacheKey) {
        readTick += 1
        if lastRead.updateValue(readTick, forKey: key) == nil, lastRead.count > settings.maxNamedEntries + evictionSlack {
            evictLeastRecentlyRead()
        }
    }

    /// Evicting in bulk, an eighth of the cap at a time, makes the sort a small cost per new key.
    private var evictionSlack: Int { max(1, settings.maxNamedEntries / 8) }

    private func evictLeastRecentlyRead() {
        let excess = lastRead.count - settings.maxNamedEntries
        guard excess > 0 else { return }
        for (key, _) in lastRead.sorted(by: { $0.value < $1.value }).prefix(excess) {
            lastRead[key] = nil
            readWrite[key] = nil
            readOnly[key] = nil
            refreshWanted.remove(key)
            if let build = building.removeValue(forKey: key) { build.stale.insert(key) }
            metrics.evictions += 1
        }
    }

    /// Per-name keys held (read-only or read-write level), for tests and metrics.
    var namedEntryCount: Int { lastRead.count }

    /// Takes the snapshots on the loop, registry-wide ones in slices over several turns (RegistryWalk), then
    /// encodes inline or on the pool. A small registry is copied in this turn, so its value may be ready at once.
    @discardableResult
    private func start(_ keys: some Collection<CacheKey>, isRefresh: Bool) -> PendingBuild {
        lastSequence += 1
        let build = PendingBuild(sequence: lastSequence, isRefresh: isRefresh)
        for key in keys { building[key] = build }
        let groups = Dictionary(grouping: keys, by: \.entity)
        let walk = RegistryWalk(registry: registry, wholeRegistry: groups.keys.contains { $0.readsWholeRegistry },
                                delta: groups[.delta] != nil, sliceRecords: settings.snapshotSliceRecords)
        continueSnapshot(walk, groups, build)
        return build
    }

    /// One slice of the snapshot; the pool round trip between slices gives the loop a turn (I/O, timers) and
    /// costs ~55 us. The last slice completes the order in the same turn, so its small entities and the
    /// walk's repairs see one state of the registry.
    private func continueSnapshot(_ walk: RegistryWalk, _ groups: [CacheEntity: [CacheKey]], _ build: PendingBuild) {
        let started = Monotonic.micros()
        let done = walk.advance()
        metrics.snapshotTurns += 1
        guard done else {
            metrics.snapshotMicros += Monotonic.micros() - started
            nextSlice { [self] in continueSnapshot(walk, groups, build) }
            return
        }
        metrics.largestSnapshotSlice = max(metrics.largestSnapshotSlice, walk.largestSlice)
        var order = BuildOrder(generatedAt: time.nowMillis(), sequence: build.sequence)
        order.changeSequence = registry.latestChangeSequence
        // Only the keys being built: merging every cached entry here cost a refresh step of many small keys more
        // than their encoding (issue #18's 3,000 VIP keys).
        for entityKeys in groups.values {
            for key in entityKeys {
                let newest = [readWrite[key], readOnly[key]].compactMap { $0 }.max { $0.sequence < $1.sequence }
                if let newest { order.sizeHints[key] = newest.sizes }
            }
        }
        let capture = walk.finish()
        for (entity, entityKeys) in groups {
            if entity.readsWholeRegistry {
                order.derived.append((entity, entityKeys))
            } else {
                order.documents.append((CacheDocument.snapshot(of: entity, in: registry), entityKeys))
            }
        }
        if !order.derived.isEmpty { order.capture = capture }
        metrics.snapshotMicros += Monotonic.micros() - started
        if order.instanceCount <= settings.offLoopThreshold {
            finish(build, PayloadBuilder.make(order))
        } else {
            metrics.offLoopGenerations += 1
            // Idle priority only when no reader can be kept waiting by it: each key is answered from the read-only
            // level meanwhile. A first build, or reads of the read-write level, must progress even on a busy host.
            let idle = settings.useReadOnlyLevel && groups.values.allSatisfy { $0.allSatisfy { readOnly[$0] != nil } }
            if idle { metrics.idleGenerations += 1 }
            // The order is taken on the pool thread, so it is also freed there (see HandOff).
            let handOff = HandOff(order)
            order = BuildOrder(generatedAt: 0, sequence: 0)
            runner.run({
                PoolPriority.inBackground(idle: idle) { PayloadBuilder.make(taking: handOff) }
            }, label: "payload build", then: { [self] result in finish(build, result) })
        }
    }

    /// Queues a walk's next slice behind the others' (see `slicesWaiting`).
    private func nextSlice(_ slice: @escaping () -> Void) {
        slicesWaiting.append(slice)
        if !sliceTripInFlight { startSliceTrip() }
    }

    private func startSliceTrip() {
        sliceTripInFlight = true
        runner.run({ () }, label: "snapshot slice", then: { [self] in
            sliceTripInFlight = false
            slicesWaiting.removeFirst()()  // may queue its walk's next slice, which starts the next trip
            if !slicesWaiting.isEmpty, !sliceTripInFlight { startSliceTrip() }
        })
    }

    private func finish(_ build: PendingBuild, _ result: BuildResult) {
        metrics.generations += result.payloads.count
        metrics.generationMicros += result.micros
        for (key, value) in result.payloads {
            metrics.generatedBytes += value.byteCount
            if building[key] === build { building[key] = nil }
            // An evicted key's generation still answers its waiting readers, but is not kept.
            if key.entity.isNamed, lastRead[key] == nil { continue }
            if !build.stale.contains(key) { install(value, key, in: &readWrite) }
            if settings.useReadOnlyLevel, build.isRefresh || readOnly[key] == nil { install(value, key, in: &readOnly) }
        }
        build.finish(result.payloads)
        if build.isRefresh {
            refreshInFlight = false
            if let scheduleRefreshStep, !refreshWanted.isEmpty { scheduleRefreshStep() } else { startRefreshIfIdle() }
        }
    }

    /// Never replaces a value with one from an older snapshot (two generations of a key may overlap).
    private func install(_ value: Payload, _ key: CacheKey, in level: inout [CacheKey: Payload]) {
        if let current = level[key], current.sequence > value.sequence { return }
        if let old = level.updateValue(value, forKey: key) { releaseOffLoop(old) }
    }

    /// A replaced large payload is dropped on a pool thread: if the cache held the last reference, unmapping
    /// its pages happens there (a connection still sending it releases it wherever it finishes).
    private func releaseOffLoop(_ payload: Payload) {
        guard payload.byteCount >= Self.offLoopReleaseBytes else { return }
        let handOff = HandOff(payload)
        runner.run({ _ = handOff.take() }, label: "payload release", then: { _ in })
    }

    /// Below this, freeing costs less than the pool round trip.
    static let offLoopReleaseBytes = 1 << 20

    private func isExpired(_ value: Payload) -> Bool {
        time.nowMillis() - value.generatedAt >= settings.autoExpirationMs
    }
}
