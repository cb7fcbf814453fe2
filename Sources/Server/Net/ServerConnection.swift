/// One client connection: stream bytes -> decoder -> responder -> ordered responses -> stream.
/// Requests are handled one at a time; while a reply is pending, later pipelined bytes wait in `spill`
/// and the socket is not read, so responses always leave in request order.
final class ServerConnection: TCPStreamDelegate {
    enum State {
        case open
        /// The last response said `Connection: close`: FIN follows it, input is read and dropped.
        case lingering(since: UInt64)
        case closed
    }

    // Exclusivity: every property below marked `@exclusivity(unchecked)` is touched only on the loop thread,
    // and never through an inout access that overlaps another (no property is passed inout to code that can
    // reach this object again). The dynamic checks cost ~40 runtime calls per heartbeat (callgrind, bench/
    // RESULTS.md), so the hot per-request state opts out of them; the static checks still apply.
    let stream: TCPStream
    private let decoder: RequestDecoder
    /// The server holds every connection in its map until the close callback, so it always outlives this
    /// object: unowned(unsafe) skips the unowned-retain/release pair paid on every access.
    private unowned(unsafe) let server: HTTPServer
    @exclusivity(unchecked) private var spill = ByteBuffer()
    @exclusivity(unchecked) private var awaiting: (reply: PendingReply, headOnly: Bool, keepAlive: Bool, http10: Bool)?
    @exclusivity(unchecked) private(set) var state = State.open
    @exclusivity(unchecked) private var peerEnded = false
    @exclusivity(unchecked) private var pausedForBackpressure = false
    @exclusivity(unchecked) private(set) var lastActivity: UInt64
    @exclusivity(unchecked) private var requestStartedAt: UInt64 = 0
    @exclusivity(unchecked) private var sentContinue = false
    @exclusivity(unchecked) private var buffersReleased = true

    init(stream: TCPStream, server: HTTPServer) {
        self.stream = stream
        self.server = server
        decoder = RequestDecoder(maxHeaderBytes: server.settings.maxHeaderBytes, maxBodyBytes: server.settings.maxBodyBytes,
                                 pool: server.requestBuffers)
        lastActivity = stream.loop.nowMillis
        stream.delegate = self
    }

    func start() { stream.startReading() }

    // MARK: reading

    func stream(_ stream: TCPStream, didRead bytes: UnsafeRawBufferPointer) {
        lastActivity = stream.loop.nowMillis
        guard case .open = state else { return }  // lingering: input is dropped
        if awaiting != nil {
            spill.append(bytes)
            return
        }
        if !decoder.isMidRequest { requestStartedAt = lastActivity }
        buffersReleased = false
        let consumed = process(bytes)
        if consumed < bytes.count, case .open = state {
            spill.append(UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
            stream.stopReading()
        }
        stream.flush()
        applyBackpressure()
        if awaiting == nil, spill.isEmpty { decoder.recycleBuffers() }  // idle until the next request: hold none
    }

    /// Decodes and answers requests until the input is used up, a reply is pending, or the connection ends.
    /// Returns how many bytes were consumed.
    private func process(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < bytes.count, case .open = state, awaiting == nil {
            switch decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .request(let consumed):
                offset += consumed
                sentContinue = false
                handleRequest()
                if decoder.isMidRequest == false { requestStartedAt = stream.loop.nowMillis }
            case .needMore:
                if decoder.continueRequested && !sentContinue {
                    sentContinue = true
                    if var refusal = server.responder.refusal(beforeBody: decoder.request) {
                        refusal.closeConnection = true  // the body will not be read
                        send(refusal, headOnly: false, keepAlive: false, http10: false)
                        return bytes.count
                    }
                    stream.queue { ResponseWriter.writeContinue(into: &$0) }
                }
                return bytes.count
            case .failure(let failure):
                server.metrics.decodeFailures += 1
                var response = server.errorResponse(failure.status)
                response.closeConnection = true
                send(response, headOnly: false, keepAlive: false, http10: false)
                return bytes.count
            }
        }
        return offset
    }

    private func handleRequest() {
        // The request is read in place, not copied out of the decoder (a copy retains and releases its arrays).
        let headOnly = decoder.request.method == .head
        let keepAlive = decoder.request.keepAlive && !server.isStopping
        let http10 = decoder.request.isHTTP10
        server.metrics.requests += 1
        // Moved out for the call and back (a swap, no retain): passing `decoder.request` itself would copy it,
        // a retain and release of each of its arrays. Nothing reaches the decoder while the responder runs.
        var request = Request()
        swap(&request, &decoder.request)
        let reply = server.responder.respond(to: request)
        swap(&request, &decoder.request)
        switch reply {
        case .now(let response):
            send(response, headOnly: headOnly, keepAlive: keepAlive, http10: http10)
        case .later(let reply):
            awaiting = (reply, headOnly, keepAlive, http10)
            reply.onComplete { [weak self] response in self?.lateReply(response) }
        }
    }

    private func lateReply(_ response: Response) {
        guard let pending = awaiting else { return }
        awaiting = nil
        guard case .open = state else { return }
        send(response, headOnly: pending.headOnly, keepAlive: pending.keepAlive, http10: pending.http10)
        // Requests that arrived meanwhile wait in the spill buffer: answer them now, in order.
        var waiting = ByteBuffer()
        swap(&waiting, &spill)
        if !waiting.isEmpty {
            let consumed = process(waiting.bytes)
            if consumed < waiting.count, case .open = state {
                spill.append(UnsafeRawBufferPointer(rebasing: waiting.bytes[consumed...]))
            }
        }
        stream.flush()
        if awaiting == nil, case .open = state, !peerEnded { stream.startReading() }
        finishIfPeerEnded()
        applyBackpressure()
    }

    private func send(_ response: Response, headOnly: Bool, keepAlive: Bool, http10: Bool) {
        let close = response.closeConnection || !keepAlive
        var byReference: SharedBytes?
        stream.queue { out in
            byReference = ResponseWriter.write(response, headOnly: headOnly, close: close, keepAliveHTTP10: http10 && !close, into: &out)
        }
        if let byReference { stream.queue(reference: byReference.raw, owner: byReference) }
        if close {
            state = .lingering(since: stream.loop.nowMillis)
            spill.release()
            stream.shutdownWhenDrained()
        }
    }

    // MARK: stream events

    func streamDidEnd(_ stream: TCPStream) {
        peerEnded = true
        if case .open = state, awaiting == nil, decoder.isMidRequest {
            stream.close()  // a request cut off mid-way has nobody to answer
            return
        }
        finishIfPeerEnded()
    }

    func streamDidDrain(_ stream: TCPStream) {
        if pausedForBackpressure, case .open = state, awaiting == nil {
            pausedForBackpressure = false
            stream.startReading()
        }
        finishIfPeerEnded()
        if server.isStopping, isIdle { stream.close() }
    }

    func streamDidClose(_ stream: TCPStream) {
        state = .closed
        awaiting = nil
        server.connectionDidClose(self)
    }

    /// The peer sent FIN: once every answer it is owed has left, close.
    private func finishIfPeerEnded() {
        guard peerEnded, awaiting == nil, stream.pendingBytes == 0 else { return }
        stream.close()
    }

    private func applyBackpressure() {
        if stream.pendingBytes > server.settings.maxPendingOutputBytes, stream.isReading {
            pausedForBackpressure = true
            stream.stopReading()
        }
    }

    // MARK: housekeeping (called by the server's sweep timer)

    /// Nothing owed, nothing half-received.
    var isIdle: Bool { awaiting == nil && stream.pendingBytes == 0 && !decoder.isMidRequest && spill.isEmpty }

    func sweep(now: UInt64) {
        switch state {
        case .closed:
            return
        case .lingering(let since):
            if now &- since >= server.settings.lingerMs { stream.close() }
        case .open:
            if awaiting != nil { return }
            if decoder.isMidRequest, now &- requestStartedAt >= server.settings.requestTimeoutMs {
                server.metrics.timeouts += 1
                var response = Response.empty(408)
                response.closeConnection = true
                send(response, headOnly: false, keepAlive: false, http10: false)
                stream.flush()
            } else if isIdle, now &- lastActivity >= server.settings.idleTimeoutMs {
                stream.close()
            } else if isIdle, !buffersReleased, now &- lastActivity >= 1_000 {
                // Idle a second: give buffer memory back so held-open connections stay cheap.
                buffersReleased = true
                stream.releaseBuffers()
                spill.release()
                decoder.releaseBuffers()
            }
        }
    }

    /// Graceful stop: idle connections close now, busy ones after their current answer.
    func beginStop() {
        if case .open = state, isIdle { stream.close() }
    }
}
