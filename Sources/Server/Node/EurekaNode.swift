import Glibc

/// The composition root: builds the loop, the HTTP server and the API from one ServerConfig and wires
/// them together. Lives on the loop thread; other threads talk to it through `mailbox`.
public final class EurekaNode {
    let loop: EventLoop
    let config: ServerConfig
    private(set) var http: HTTPServer!
    private(set) var mailbox: LoopMailbox!
    private var signals: SignalWatcher?
    private var isStopping = false

    public var port: Int { http.port }

    public init(config: ServerConfig) throws {
        self.config = config
        loop = try EventLoop()
        let api = EurekaAPI(
            router: Router(dashboardPath: config.dashboardEnabled ? config.dashboardPath : nil, metricsEnabled: config.metricsEnabled),
            status: StatusPage(environment: config.environment, startedAtSeconds: Int64(time(nil))))
        do {
            http = try HTTPServer(loop: loop, settings: Self.httpSettings(config), responder: api) { status in
                EurekaAPI.error(status, Self.message(for: status), json: false)
            }
        } catch {
            loop.runOnce()
            throw error
        }
        mailbox = LoopMailbox(loop: loop) { [unowned self] message in
            switch message {
            case .stop: stop()
            case .withOwner(let work): work(self)
            }
        }
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
        http.stop { [unowned self] in
            mailbox.close()
        }
    }

    /// Open connections, for tests and metrics.
    public var connectionCount: Int { http.connectionCount }
    public var httpMetrics: HTTPMetrics { http.metrics }
    var activeHandleCount: Int { loop.activeHandleCount }
}
