/// The composition root: builds the loop, registry, cache, API and HTTP server from one ServerConfig
/// and wires them together. Lives on the loop thread; other threads talk to it through `mailbox`.
public final class EurekaNode {
    let loop: EventLoop
    let config: ServerConfig
    let registry: InstanceRegistry
    let cache: ResponseCache
    let time: TimeSource
    private let api: EurekaAPI
    private let http: HTTPServer
    let mailbox: LoopMailbox
    private let timers: NodeTimers
    private let cluster: Cluster
    /// The cache's propagation and refresh-step timers, the lag probe, the batched log's flush, the loop profile.
    private let hooks: NodeLoopHooks
    /// Warm restart's periodic and final snapshot writes; nil when `eureka.node.snapshot-path` is empty.
    private let snapshots: SnapshotScheduler?
    /// Beyond Netflix: full and delta fetches turned away while the node falls behind (nil when off).
    private let overloadGuard: OverloadGuard?
    private var signals: SignalWatcher?
    private var isStopping = false
    /// The change stream and the long-poll delta (docs/change-stream.md); nil while off.
    let changeStream: StreamHub?
    /// Called after every registry change, after the cache and replication heard of it (the C API's events).
    private let changeListener = ChangeListener()
    let nodeLog: NodeLog
    let startedAtMillis: Int64

    public var port: Int { http.port }
    /// How long callbacks hold the loop (issue #18): the metrics and tests read it.
    var lagProbe: LoopLagProbe { hooks.lagProbe }

    /// A node on a loop of its own, run by `run()`.
    public convenience init(config: ServerConfig, time: TimeSource = SystemTimeSource()) throws {
        try self.init(config: config, loop: EventLoop(), time: time)
    }

    /// Builds every component on `loop` (its own, or a host's: `EventLoop(borrowing:)`) in dependency order;
    /// the two callbacks that need the node itself (mailbox messages and the operational pages) are wired once
    /// it is complete. If a step after the HTTP server fails, what was opened is closed before the error is
    /// thrown, so a host's loop is left with nothing of ours once its close callbacks ran.
    init(config: ServerConfig, loop: EventLoop, time: TimeSource = SystemTimeSource(), logSink: LogSink? = nil) throws {
        self.config = config
        self.time = time
        self.loop = loop
        startedAtMillis = time.nowMillis()
        let identity = NodeIdentity(config: config)
        registry = InstanceRegistry(settings: Self.registrySettings(config, ownId: identity.instanceId(port: config.port)),
                                    time: time, random: SystemRandomSource())
        nodeLog = NodeLog(log: EventLog(settings: config.logging, time: time, sink: logSink), registry: registry,
                          selfPreservationEnabled: config.enableSelfPreservation)
        // Warm restart: before anything serves or syncs, so reads and the start-up sync see the restored leases.
        if !config.snapshotPath.isEmpty {
            SnapshotRestore.run(path: config.snapshotPath, registry: registry, time: time, log: nodeLog.log)
        }
        let cacheRunner = PoolRunner(loop: loop)
        cache = ResponseCache(settings: Self.cacheSettings(config), time: time, runner: cacheRunner, registry: registry)
        try config.security.check()
        var router = Router(dashboardPath: config.dashboardEnabled ? config.dashboardPath : nil, metricsEnabled: config.metricsEnabled)
        router.antiEntropyEnabled = config.antiEntropyIntervalMs > 0
        api = EurekaAPI(
            router: router,
            registry: registry, cache: cache,
            status: StatusPage(settings: .init(environment: config.environment,
                                               minAvailableReplicas: config.minAvailableInstancesForPeerReplication),
                               identity: identity, startedAtMillis: startedAtMillis, time: time),
            settings: Self.apiSettings(config),
            time: time, access: AccessPolicy(config.security))
        http = try HTTPServer(loop: loop, settings: Self.httpSettings(config), responder: api) { status in
            EurekaAPI.error(status, Self.message(for: status), json: false)
        }
        api.status.boundPort = http.port
        api.digestRunner = PoolRunner(loop: loop)
        // The mailbox exists before the node is complete; its messages reach the node through this box.
        let recipient = MailboxRecipient()
        var opened = OpenedParts(http: http)
        do {
            mailbox = try LoopMailbox(loop: loop) { message in recipient.node?.receive(message) }
            opened.mailbox = mailbox
            cluster = try Cluster(loop: loop, config: config, identity: identity, port: http.port, registry: registry,
                                  time: time, runner: PoolRunner(loop: loop))
            opened.cluster = cluster
            timers = try NodeTimers(loop: loop, config: config, registry: registry, cache: cache, time: time, log: nodeLog)
            opened.timers = timers
            // Documents built on the pool leave their temporaries in the pool threads' heaps (issue 19).
            cacheRunner.afterEachJob = { [weak timers] in timers?.heapTrimmer.poolBuildFinished() }
            hooks = try NodeLoopHooks(loop: loop, config: config, log: nodeLog.log)
            opened.hooks = hooks
            overloadGuard = config.overloadGuardEnabled
                ? try OverloadGuard(loop: loop, settings: Self.overloadSettings(config),
                                    loopLagMicros: { [lagProbe = hooks.lagProbe] in lagProbe.reading.lastLagMicros },
                                    backlogBytes: { [unowned http] in http.bulkBacklogBytes })
                : nil
            opened.overloadGuard = overloadGuard
            changeStream = config.changeStreamEnabled
                ? try StreamHub(loop: loop, registry: registry, runner: PoolRunner(loop: loop), settings: Self.streamSettings(config))
                : nil
            opened.changeStream = changeStream
            snapshots = try Self.snapshotScheduler(config, loop: loop, node: identity.instanceId(port: http.port),
                                                   registry: registry, time: time)
        } catch {
            opened.close()
            throw error
        }
        // Every change invalidates cached documents (6.4) and, unless it came from a peer, goes to every peer (4.12).
        registry.onEvent = { [cache, replicator = cluster.replicator, changeListener, nodeLog, snapshots, changeStream] event in
            cache.invalidate(after: event)
            replicator?.handle(event)
            nodeLog.event(event)
            snapshots?.heard(event)
            changeStream?.heard(event)  // after the cache: a long poll answered now must see the change
            changeListener.action?(event)
        }
        api.changeStream = changeStream
        registry.onRejection = { [unowned nodeLog] rejection, record, isReplication in
            nodeLog.registrationRefused(rejection, record, isReplication: isReplication)
        }
        snapshots?.onWritten = { [unowned nodeLog] report in nodeLog.snapshotWritten(report) }
        cluster.replicator?.onPeerHealthChange = { [unowned nodeLog] url, old, health in nodeLog.peerHealth(url: url, from: old, health) }
        cluster.replicator?.onAntiEntropyRepairs = { [unowned nodeLog] url, counts in nodeLog.antiEntropyRepaired(peer: url, counts) }
        cluster.onSyncResult = { [unowned nodeLog] result in nodeLog.syncResult(result) }
        api.readsOpen = { [gate = cluster.gate] in gate.readsOpen }
        if let overloadGuard {
            api.admitsBulkFetch = { [unowned overloadGuard] in overloadGuard.admitsBulkFetch() }
            api.deliverOverloadRefusal = { [unowned overloadGuard] in overloadGuard.deliver($0) }
        }
        api.status.replicas = { [unowned cluster] in cluster.reports() }
        api.status.openForTraffic = { [gate = cluster.gate] in gate.isOpenForTraffic }
        // Spec 5.6: listen at once; open for traffic after the start-up sync (at once without peers), expecting the
        // copied instances' renewals, or the default count when nothing was copied.
        cluster.start { [registry, config, nodeLog] copied in
            registry.openForTraffic(count: copied > 0 ? copied : config.defaultOpenForTrafficCount)
            nodeLog.checkSelfPreservation()
        }
        hooks.start(driving: cache)
        recipient.node = self
        let dashboard = DashboardPages(settings: .init(basePath: config.dashboardPath), registry: registry,
                                       statusPage: api.status, time: time)
        api.operationalPage = { [unowned self] endpoint, request in
            OperationalPages.render(endpoint, request, status: { status }, dashboard: dashboard)
        }
    }

    /// The registry's change callback holds the cache, which holds the registry: without this, a node's
    /// registry and cache would outlive it (a host creating and freeing nodes would leak each).
    deinit { registry.onEvent = nil }

    private func receive(_ message: LoopMessage) {
        switch message {
        case .stop: stop()
        case .withOwner(let work): work(self)
        }
    }

    /// The counters and gauges of the operational pages, read now.
    var status: NodeStatus {
        NodeStatus(instanceCount: registry.instanceCount, evictedTotal: registry.evictedTotal,
                   leaseExpirationEnabled: registry.isLeaseExpirationEnabled, selfPreservation: registry.selfPreservation,
                   connections: http.connectionCount, http: http.metrics, cache: cache.metrics,
                   openForTraffic: cluster.gate.isOpenForTraffic, shuttingDown: isStopping, replicas: cluster.reports(),
                   replicationReceived: api.replicationReceived, digestAnswers: api.digestAnswers, requests: api.requestMetrics.snapshot,
                   admission: AdmissionCounters(rateLimited: (api.rateLimiter.counters.overLimit, api.rateLimiter.counters.rejected),
                                                overloadRefused: overloadGuard?.refused ?? 0, bulkBacklogBytes: http.bulkBacklogBytes,
                                                supersededPinnedBytes: http.pins.supersededBytes,
                                                supersededHoldersClosed: http.pins.disconnected),
                   process: .read(), loopLag: lagProbe.reading, changeStream: changeStream?.metrics)
    }

    /// nil when warm restart is off. Both wake-ups or none: a failure after the first closes it.
    static func snapshotScheduler(_ config: ServerConfig, loop: EventLoop, node: String, registry: InstanceRegistry,
                                  time: TimeSource) throws(UVError) -> SnapshotScheduler? {
        guard !config.snapshotPath.isEmpty else { return nil }
        let interval = try LoopWakeup(loop: loop)
        let slices: LoopWakeup
        do throws(UVError) { slices = try LoopWakeup(loop: loop) } catch {
            interval.close()
            throw error
        }
        return SnapshotScheduler(settings: .init(path: config.snapshotPath, intervalMs: config.snapshotIntervalMs, node: node),
                                 registry: registry, runner: PoolRunner(loop: loop), time: time,
                                 interval: interval, slices: slices)
    }

    /// SIGINT/SIGTERM stop the node gracefully (the command-line server installs this).
    public func handleSignals() throws {
        signals = try SignalWatcher(loop: loop) { [unowned self] _ in stop() }
    }

    /// Runs the loop on the calling thread until the node stopped.
    public func run() { loop.run() }

    /// Loop thread: stop accepting, finish writes in flight, then close every handle so run() returns.
    public func stop() { stop(then: nil) }

    /// `stop()`, then `completion` on the loop thread once every handle of the node has closed and none of its
    /// pool jobs or name lookups is in flight: a host's loop then holds nothing of ours, and the node may be
    /// released in `completion`. Only the first call stops (and its completion alone is kept).
    func stop(then completion: (() -> Void)?) {
        guard !isStopping else { return }
        isStopping = true
        nodeLog.log.log(.info, "shutdown", [("port", .int(http.port)), ("instances", .int(registry.instanceCount))], logger: .root)
        signals?.close()
        signals = nil
        timers.close()
        hooks.closeTimers()
        overloadGuard?.close()
        cluster.close()
        changeStream?.stop()  // streams end and held polls are answered before the connections are asked to stop
        http.stop { [unowned self, loop] in
            // No connection is left, so nothing changes the registry any more: the final snapshot sees it all.
            let finish = { [unowned self] in
                mailbox.close()
                hooks.closeLogFlush()
                if let completion { loop.whenIdle(completion) }
            }
            guard let snapshots else { return finish() }
            snapshots.stop(then: finish)
        }
    }

    /// The start line (info, root logger): where the node listens, its peers and where its settings came from.
    public func logStart(_ loaded: LoadedConfig? = nil) {
        var fields: [(String, LogValue)] = [("address", .text(config.address)), ("port", .int(http.port)),
                                            ("peers", .text(cluster.peerURLs.map(PeerURL.redacted).joined(separator: ",")))]
        if let loaded { fields += loaded.sourceSummary }
        nodeLog.log.log(.info, "started", fields, logger: .root)
    }

    /// The embedding host's view of registry changes (Embed/CEvents.swift); nil costs a load and a test per change.
    var onRegistryChange: ((RegistryEvent) -> Void)? {
        get { changeListener.action }
        set { changeListener.action = newValue }
    }

    /// Open connections, for tests and metrics.
    var connectionCount: Int { http.connectionCount }
    var httpMetrics: HTTPMetrics { http.metrics }
    var bulkBacklogBytes: Int { http.bulkBacklogBytes }
    var smallWriteSinceBulkAdmit: Bool { http.smallWriteSinceBulkAdmit }
    var pins: PinnedPayloads { http.pins }
    var pinnedVersions: Int { http.pins.versionCount }
    var cacheMetrics: ResponseCache.Metrics { cache.metrics }
    var activeHandleCount: Int { loop.activeHandleCount }
}

/// Holds the node weakly for the mailbox, which is built before the node is complete.
private final class MailboxRecipient {
    weak var node: EurekaNode?
}

/// The registry's change callback captures this box, not the node, which is incomplete when the callback is made.
private final class ChangeListener {
    @exclusivity(unchecked) var action: ((RegistryEvent) -> Void)?  // loop thread only, read once per change
}

/// What a failing init has opened so far, closed newest first; the HTTP server stops listening last.
private struct OpenedParts {
    let http: HTTPServer
    var mailbox: LoopMailbox?
    var cluster: Cluster?
    var timers: NodeTimers?
    var hooks: NodeLoopHooks?
    var overloadGuard: OverloadGuard?
    var changeStream: StreamHub?

    func close() {
        changeStream?.stop()
        overloadGuard?.close()
        hooks?.closeAll()
        timers?.close()
        cluster?.close()
        mailbox?.close()
        http.stop {}
    }
}
