import Glibc

/// The composition root: builds the loop, registry, cache, API and HTTP server from one ServerConfig
/// and wires them together. Lives on the loop thread; other threads talk to it through `mailbox`.
public final class EurekaNode {
    let loop: EventLoop
    let config: ServerConfig
    public let registry: InstanceRegistry
    let cache: ResponseCache
    let time: TimeSource
    private(set) var http: HTTPServer!
    private(set) var mailbox: LoopMailbox!
    private var timers: NodeTimers!
    private var signals: SignalWatcher?
    private var isStopping = false
    let startedAtMillis: Int64

    public var port: Int { http.port }

    public init(config: ServerConfig, time: TimeSource = SystemTimeSource()) throws {
        self.config = config
        self.time = time
        startedAtMillis = time.nowMillis()
        loop = try EventLoop()
        let identity = NodeIdentity(config: config)
        registry = InstanceRegistry(settings: Self.registrySettings(config, ownId: identity.instanceId(port: config.port)),
                                    time: time, random: SystemRandomSource())
        let registry = self.registry
        cache = ResponseCache(settings: Self.cacheSettings(config), time: time) { key in
            EurekaAPI.document(for: key, in: registry)
        }
        registry.onEvent = { [cache] event in
            if event.invalidates { cache.invalidate(app: event.app, vips: event.vipNames, svips: event.secureVipNames) }
        }
        let api = EurekaAPI(
            router: Router(dashboardPath: config.dashboardEnabled ? config.dashboardPath : nil, metricsEnabled: config.metricsEnabled),
            registry: registry, cache: cache,
            status: StatusPage(config: config, identity: identity, startedAtMillis: startedAtMillis, time: time),
            settings: .init(syncWhenTimestampDiffers: config.syncWhenTimestampDiffers, disableDelta: config.disableDelta,
                            maxBodyBytes: config.maxRequestBodyBytes),
            time: time)
        http = try HTTPServer(loop: loop, settings: Self.httpSettings(config), responder: api) { status in
            EurekaAPI.error(status, Self.message(for: status), json: false)
        }
        api.status.boundPort = http.port
        api.operationalPage = { [unowned self] endpoint, request in OperationalPages.render(endpoint, request, node: self) }
        mailbox = LoopMailbox(loop: loop) { [unowned self] message in
            switch message {
            case .stop: stop()
            case .withOwner(let work): work(self)
            }
        }
        // Standalone (no peers, spec 5.6 step 2): open for traffic at once with the default count.
        registry.openForTraffic(count: config.defaultOpenForTrafficCount)
        timers = NodeTimers(loop: loop, config: config, registry: registry, cache: cache, time: time)
    }

    static func registrySettings(_ config: ServerConfig, ownId: String) -> RegistrySettings {
        var settings = RegistrySettings()
        settings.renewalPercentThreshold = config.renewalPercentThreshold
        settings.expectedClientRenewalIntervalSeconds = config.expectedClientRenewalIntervalSeconds
        settings.enableSelfPreservation = config.enableSelfPreservation
        settings.retentionTimeInMSInDeltaQueue = config.retentionTimeInMSInDeltaQueue
        settings.evictionIntervalMs = config.evictionIntervalTimerInMs
        settings.exactLeaseExpiry = config.exactLeaseExpiry
        settings.syncWhenTimestampDiffers = config.syncWhenTimestampDiffers
        settings.expectedNumberOfClientsSendingRenews = config.expectedNumberOfClientsSendingRenews
        settings.serverInstanceId = ownId
        return settings
    }

    static func cacheSettings(_ config: ServerConfig) -> ResponseCache.Settings {
        var settings = ResponseCache.Settings()
        settings.useReadOnlyLevel = config.useReadOnlyResponseCache
        settings.autoExpirationMs = config.responseCacheAutoExpirationInSeconds * 1_000
        settings.immediatePropagation = config.immediateCachePropagation
        return settings
    }

    static func httpSettings(_ config: ServerConfig) -> HTTPServerSettings {
        var settings = HTTPServerSettings()
        settings.host = config.address
        settings.port = config.port
        settings.maxConnections = config.maxConnections
        settings.maxHeaderBytes = config.maxHeaderBytes
        settings.maxBodyBytes = config.maxRequestBodyBytes
        settings.idleTimeoutMs = UInt64(config.idleTimeoutMs)
        settings.requestTimeoutMs = UInt64(config.requestTimeoutMs)
        return settings
    }

    private static func message(for status: Int) -> String {
        switch status {
        case 413: "request body too large"
        case 431: "request header fields too large"
        case 408: "request timeout"
        default: "malformed request"
        }
    }

    /// SIGINT/SIGTERM stop the node gracefully (the command-line server installs this).
    public func handleSignals() {
        signals = SignalWatcher(loop: loop) { [unowned self] _ in stop() }
    }

    /// Runs the loop on the calling thread until the node stopped.
    public func run() { loop.run() }

    /// Loop thread: stop accepting, finish writes in flight, then close every handle so run() returns.
    public func stop() {
        guard !isStopping else { return }
        isStopping = true
        signals?.close()
        signals = nil
        timers.close()
        http.stop { [unowned self] in
            mailbox.close()
        }
    }

    /// Open connections, for tests and metrics.
    public var connectionCount: Int { http.connectionCount }
    public var httpMetrics: HTTPMetrics { http.metrics }
    public var cacheMetrics: ResponseCache.Metrics { cache.metrics }
    var activeHandleCount: Int { loop.activeHandleCount }
}
