/// One request of an HTTPClient on its way: serialised once, sent on one connection (twice at most).
final class ClientExchange {
    let bytes: [UInt8]
    let headersOnly: Bool
    let completion: (Result<ClientResponse, ClientError>) -> Void
    /// Already sent again after a reused connection broke; a second break is reported.
    var retried = false

    init(bytes: [UInt8], headersOnly: Bool, completion: @escaping (Result<ClientResponse, ClientError>) -> Void) {
        self.bytes = bytes
        self.headersOnly = headersOnly
        self.completion = completion
    }
}

/// One keep-alive connection of an HTTPClient: connect, then one exchange at a time, each bounded by
/// the read timeout; idle in between, closed after the idle timeout or when the peer closes it.
/// Everything it learns goes to its client, which holds it until `clientConnectionDidClose`.
final class ClientConnection: TCPStreamDelegate {
    enum State {
        /// Resolving and connecting; the exchange waits for the stream.
        case connecting(TCPConnector)
        /// Connected, no request in flight; the timer counts the idle timeout.
        case idle
        /// A request sent, its reply not complete; the timer counts the read timeout.
        case busy
        /// Closing: nothing more is sent or reported, the stream's close callback is awaited.
        case closing
    }

    /// Strong: an unclosed client lives until its last connection closed (connections report to it).
    private let client: HTTPClient
    private(set) var state: State
    private var stream: TCPStream?
    private var exchange: ClientExchange?
    private let decoder: ResponseDecoder
    /// Read timeout while busy, idle timeout while idle. A timer per connection, unlike the server's one
    /// sweep over thousands: a client holds a handful of connections per peer.
    private let timer: LoopTimer
    /// Replies completed on this connection: a reused one may have been closed by the peer meanwhile.
    private var repliesCompleted = 0
    private var receivedReplyBytes = false

    init(client: HTTPClient, connector: TCPConnector, timer: LoopTimer) {
        self.client = client
        self.timer = timer
        state = .connecting(connector)
        decoder = ResponseDecoder(maxHeaderBytes: client.settings.maxResponseHeaderBytes,
                                  maxBodyBytes: client.settings.maxResponseBodyBytes)
    }

    var isIdle: Bool { if case .idle = state { true } else { false } }
    var isClosing: Bool { if case .closing = state { true } else { false } }

    /// Connects, then sends `exchange`.
    func connect(_ exchange: ClientExchange) {
        guard case .connecting(let connector) = state else { return }
        self.exchange = exchange
        let target = client.target
        connector.start(host: target.host, port: target.port, timeoutMs: client.settings.connectTimeoutMs) { [self] result in
            switch result {
            case .success(let stream):
                self.stream = stream
                stream.delegate = self
                stream.startReading()
                if let exchange = self.exchange { send(exchange) }
            case .failure(let failure):
                close()
                finishExchange(.failure(Self.clientError(failure)), retryable: false)
            }
        }
    }

    /// Sends on the open connection (idle, or just connected).
    func send(_ exchange: ClientExchange) {
        guard let stream, !isClosing else { preconditionFailure("send on a connection that is not open") }
        self.exchange = exchange
        state = .busy
        receivedReplyBytes = false
        decoder.expectsHeadersOnly = exchange.headersOnly
        stream.queue { $0.append(exchange.bytes) }
        stream.flush()
        timer.start(afterMs: client.settings.readTimeoutMs, repeatMs: 0) { [unowned self] in
            close()
            finishExchange(.failure(.readTimeout), retryable: false)
        }
    }

    /// Takes the exchange away unreported (the client is closing and answers it itself).
    func abandonExchange() -> ClientExchange? {
        defer { exchange = nil }
        return exchange
    }

    func close() {
        switch state {
        case .closing:
            return
        case .connecting(let connector):
            state = .closing
            connector.cancel()
            timer.close()
            if stream == nil { client.clientConnectionDidClose(self) }  // no stream: nothing else will call back
        case .idle, .busy:
            state = .closing
            timer.close()
        }
        stream?.close()
    }

    // MARK: stream events

    func stream(_ stream: TCPStream, didRead bytes: UnsafeRawBufferPointer) {
        guard case .busy = state else {
            close()  // bytes nobody asked for: the connection is out of step
            return
        }
        receivedReplyBytes = true
        switch decoder.decode(bytes) {
        case .response(let consumed):
            // One request at a time, so bytes after the reply are garbage: deliver, but do not reuse.
            replyComplete(reusable: consumed == bytes.count)
        case .needMore:
            break
        case .failure(let failure):
            close()
            finishExchange(.failure(Self.clientError(failure)), retryable: false)
        }
    }

    func streamDidEnd(_ stream: TCPStream) {
        guard case .busy = state else {
            close()  // the peer closed an idle connection: never reuse it
            return
        }
        // A body that runs to EOF is complete only on a clean EOF, not after a reset.
        let result = stream.readError == nil ? decoder.finish() : .failure(.truncated)
        if case .response = result {
            replyComplete(reusable: false)
            return
        }
        close()  // before reporting, so a retry does not count this connection as open
        switch result {
        case .response, .needMore, .failure(.truncated):
            brokeBeforeReply()
        case .failure(let failure):
            finishExchange(.failure(Self.clientError(failure)), retryable: false)
        }
    }

    func streamDidDrain(_ stream: TCPStream) {}

    func streamDidClose(_ stream: TCPStream) {
        let wasBusy = if case .busy = state { true } else { false }
        state = .closing
        timer.close()
        client.clientConnectionDidClose(self)
        // Closed under us (a failed write closes the stream) while a reply was owed.
        if wasBusy { brokeBeforeReply() }
    }

    // MARK: outcomes

    private func replyComplete(reusable: Bool) {
        let response = decoder.takeResponse()
        repliesCompleted += 1
        if reusable && response.keepAlive {
            state = .idle
            timer.start(afterMs: client.settings.idleTimeoutMs, repeatMs: 0) { [unowned self] in close() }
        } else {
            close()  // `Connection: close`, HTTP/1.0, a body to EOF, or trailing garbage
        }
        finishExchange(.success(response), retryable: false)
    }

    /// ECONNRESET, EPIPE or EOF before the reply was complete. Retryable when the connection was reused
    /// and nothing of the reply came back: the peer most likely closed it as idle while we sent.
    private func brokeBeforeReply() {
        finishExchange(.failure(.reset), retryable: repliesCompleted > 0 && !receivedReplyBytes)
    }

    private func finishExchange(_ result: Result<ClientResponse, ClientError>, retryable: Bool) {
        guard let exchange else { return }
        self.exchange = nil
        client.clientConnection(self, finished: exchange, result, retryable: retryable)
    }

    static func clientError(_ failure: ConnectFailure) -> ClientError {
        switch failure {
        case .resolveFailed: .resolveFailed
        case .refused: .refused
        case .connectTimeout: .connectTimeout
        case .other(let error): .connectFailed(error)
        }
    }

    static func clientError(_ failure: ResponseDecodeFailure) -> ClientError {
        switch failure {
        case .malformed: .badResponse
        case .tooLarge: .tooLarge
        case .truncated: .reset
        }
    }
}
