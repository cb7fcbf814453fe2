/// A keep-alive HTTP/1.1 client for one peer (spec 7.8), on the loop thread like everything it owns: no
/// second thread, no Foundation networking. Persistent connections carry one request at a time; at most
/// `maxConnections` are open (connecting ones included) and requests beyond wait in arrival order.
/// Completions run on the loop thread, always on a later turn than the `send` that queued them, exactly
/// once each; after `close` every pending one gets `.closed`.
final class HTTPClient {
    let target: ClientTarget
    let settings: HTTPClientSettings
    private unowned let loop: EventLoop
    private var queue: [ClientExchange] = []
    /// Every connection until its close completed (connecting, idle, busy or closing), least recently used first.
    private var connections: [ClientConnection] = []
    private(set) var isClosed = false
    private var onClosed: (() -> Void)?
    private(set) var metrics = HTTPClientMetrics()

    init(loop: EventLoop, target: ClientTarget, settings: HTTPClientSettings) {
        self.loop = loop
        self.target = target
        self.settings = settings
    }

    /// Connections not closing: the ones that count against `maxConnections`.
    var openConnectionCount: Int { connections.count(where: { !$0.isClosing }) }

    /// Sends `request` on an idle connection, a new one, or when one frees up.
    func send(_ request: ClientRequest, completion: @escaping (Result<ClientResponse, ClientError>) -> Void) {
        guard !isClosed else { return later { completion(.failure(.closed)) } }
        guard request.isWellFormed else { return later { completion(.failure(.invalidRequest)) } }
        let bytes = request.serialized(target: target.target(of: request.path), host: target.hostHeader,
                                       authorization: target.authorization)
        queue.append(ClientExchange(bytes: bytes, headersOnly: request.method == .head, completion: completion))
        dispatch()
    }

    /// Closes every connection (each closes its socket and timer; attempts still connecting are cancelled)
    /// and answers every pending request with `.closed`, on a later turn. `completion` runs once every
    /// connection's socket has closed, also on a later turn than this call. Calling it again only waits.
    func close(_ completion: @escaping () -> Void) {
        guard !isClosed else {
            if let earlier = onClosed { onClosed = { earlier(); completion() } } else { later(completion) }
            return
        }
        isClosed = true
        onClosed = completion
        var pending = queue
        queue.removeAll()
        for connection in connections {
            if let exchange = connection.abandonExchange() { pending.append(exchange) }
        }
        if !pending.isEmpty { later { for exchange in pending { exchange.completion(.failure(.closed)) } } }
        for connection in connections { connection.close() }
        finishCloseIfDone()
    }

    private func finishCloseIfDone() {
        guard isClosed, connections.isEmpty, let done = onClosed else { return }
        onClosed = nil
        later(done)
    }

    /// Hands waiting requests to idle connections (most recently used first, so spare ones idle out),
    /// then to new connections while under the cap.
    private func dispatch() {
        while let exchange = queue.first, !isClosed {
            // A retry goes on a fresh connection: another idle one may be just as stale.
            if !exchange.retried, let idle = connections.last(where: { $0.isIdle }) {
                queue.removeFirst()
                idle.send(exchange)
                continue
            }
            if openConnectionCount >= max(1, settings.maxConnections) {
                guard exchange.retried, let idle = connections.first(where: { $0.isIdle }) else { return }
                idle.close()  // makes room for the fresh connection the retry needs
            }
            queue.removeFirst()
            open(for: exchange)
        }
    }

    private func open(for exchange: ClientExchange) {
        let connection: ClientConnection
        do throws(UVError) {
            connection = ClientConnection(client: self, connector: try TCPConnector(loop: loop), timer: try LoopTimer(loop: loop))
        } catch {
            // uv_timer_init only fills in a struct; should it fail, the request fails like a connect would.
            return later { exchange.completion(.failure(.connectFailed(error))) }
        }
        metrics.connectionsOpened += 1
        connections.append(connection)
        connection.connect(exchange)
    }

    // MARK: from connections

    func clientConnection(_ connection: ClientConnection, finished exchange: ClientExchange,
                          _ result: Result<ClientResponse, ClientError>, retryable: Bool) {
        if case .failure = result, retryable, !exchange.retried, !isClosed {
            exchange.retried = true
            metrics.retries += 1
            queue.insert(exchange, at: 0)
            dispatch()
            return
        }
        metrics.requestsCompleted += 1
        if connection.isIdle, let index = connections.firstIndex(where: { $0 === connection }) {
            connections.append(connections.remove(at: index))  // most recently used last
        }
        dispatch()  // waiting requests first: the freed connection serves them in arrival order
        exchange.completion(result)
    }

    func clientConnectionDidClose(_ connection: ClientConnection) {
        connections.removeAll { $0 === connection }
        dispatch()  // a slot freed up
        finishCloseIfDone()
    }

    /// Runs `work` on a later loop turn, so no completion runs inside the call that caused it.
    private func later(_ work: @escaping () -> Void) {
        // uv_timer_init only fills in a struct; were it ever to fail, running at once beats never running.
        guard let timer = try? LoopTimer(loop: loop) else { return work() }
        timer.start(afterMs: 0, repeatMs: 0) {
            timer.close()  // the timer's action holds the timer: closing lets both go
            work()
        }
    }
}
