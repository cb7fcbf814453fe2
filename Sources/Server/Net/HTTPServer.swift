/// Counters of the HTTP core, read by the metrics endpoint and tests.
struct HTTPMetrics: Sendable {
    var accepted = 0
    var refused = 0
    var requests = 0
    var decodeFailures = 0
    var timeouts = 0
    /// Connections closed because their output stopped moving for the write timeout.
    var writeTimeouts = 0
    /// Bytes read from clients and bytes queued for them (status lines, headers and bodies).
    var bytesIn = 0
    var bytesOut = 0
}

/// A listener plus its live connections: limits, timeouts and graceful stop.
/// Loop thread only, like everything it owns.
final class HTTPServer {
    // Exclusivity: every property below marked `@exclusivity(unchecked)` is touched only on the loop thread,
    // and never through an inout access that overlaps another (no property is passed inout to code that can
    // reach this object again). The dynamic checks cost ~40 runtime calls per heartbeat (callgrind, bench/
    // RESULTS.md), so the hot per-request state opts out of them; the static checks still apply.
    let settings: HTTPServerSettings
    /// What the connections share; they never see the server itself.
    private let context: ConnectionContext
    var metrics: HTTPMetrics { context.metrics }
    var isStopping: Bool { context.isStopping }
    private unowned let loop: EventLoop
    private var listener: TCPListener?
    private var connections: [ObjectIdentifier: ServerConnection] = [:]
    private let sweepTimer: LoopTimer
    /// Handed to every accepted stream: one cap on bulk writes across all connections.
    private var bulkWriteBudget: BulkWriteBudget?
    private var graceTimer: LoopTimer?
    private var onStopped: (() -> Void)?
    /// The port actually bound.
    let port: Int

    /// `errorResponse` builds the body of 400/413/431 answers sent before a request could be routed.
    init(loop: EventLoop, settings: HTTPServerSettings, responder: Responder,
         errorResponse: @escaping (Int) -> Response) throws(UVError) {
        self.loop = loop
        self.settings = settings
        context = ConnectionContext(settings: settings, responder: responder, errorResponse: errorResponse)
        sweepTimer = try LoopTimer(loop: loop)
        var acceptHandler: ((TCPStream) -> Void)?
        do throws(UVError) {
            let listener = try TCPListener(loop: loop, host: settings.host, port: settings.port) { acceptHandler?($0) }
            self.listener = listener
            port = listener.port
            bulkWriteBudget = try BulkWriteBudget(loop: loop)
        } catch {
            listener?.close()
            sweepTimer.close()
            throw error
        }
        acceptHandler = { [unowned self] stream in accept(stream) }
        context.connectionDidClose = { [unowned self] connection in connectionDidClose(connection) }
        // One timer visits every connection: at 20,000 connections that is tens of microseconds,
        // cheaper than a timer per socket and restarting it on every request.
        let period = max(50, min(1_000, min(settings.idleTimeoutMs, settings.requestTimeoutMs, settings.lingerMs,
                                            settings.writeTimeoutMs) / 4))
        sweepTimer.start(afterMs: period, repeatMs: period) { [unowned self] in sweep() }
    }

    var connectionCount: Int { connections.count }
    /// Bytes of large bodies queued and not yet drained, across connections (the overload guard's backlog).
    var bulkBacklogBytes: Int { context.bulkBacklogBytes }
    /// Whether a small answer was written since bulk output last asked the budget (tests).
    var smallWriteSinceBulkAdmit: Bool { bulkWriteBudget?.smallWriteSinceAdmit ?? false }
    var pins: PinnedPayloads { context.pins }

    private func accept(_ stream: TCPStream) {
        guard !isStopping, connections.count < settings.maxConnections else {
            context.metrics.refused += 1
            stream.close()  // beyond the cap: closed at once, the others are untouched
            return
        }
        context.metrics.accepted += 1
        stream.bulkWriteBudget = bulkWriteBudget
        let connection = ServerConnection(stream: stream, context: context)
        connections[ObjectIdentifier(connection)] = connection
        connection.start()
    }

    private func connectionDidClose(_ connection: ServerConnection) {
        connections[ObjectIdentifier(connection)] = nil
        if isStopping { finishStopIfDone() }
    }

    private func sweep() {
        let now = loop.nowMillis
        for connection in Array(connections.values) { connection.sweep(now: now) }
    }

    /// Stops accepting, answers what is in flight, closes idle connections, and calls `done` once every
    /// connection is closed (or the grace period ran out and the rest were closed).
    func stop(_ done: @escaping () -> Void) {
        guard !isStopping else { return }
        context.isStopping = true
        onStopped = done
        listener?.close()
        listener = nil
        for connection in Array(connections.values) { connection.beginStop() }
        // uv_timer_init only fills in the struct; should it ever fail, there is no grace period.
        let grace = try? LoopTimer(loop: loop)
        graceTimer = grace
        let closeRemaining = { [unowned self] in for connection in Array(connections.values) { connection.stream.close() } }
        if let grace { grace.start(afterMs: settings.stopGraceMs, repeatMs: 0, closeRemaining) } else { closeRemaining() }
        finishStopIfDone()
    }

    private func finishStopIfDone() {
        guard connections.isEmpty, let done = onStopped else { return }
        onStopped = nil
        sweepTimer.close()
        bulkWriteBudget?.close()
        bulkWriteBudget = nil
        graceTimer?.close()
        graceTimer = nil
        done()
    }
}
