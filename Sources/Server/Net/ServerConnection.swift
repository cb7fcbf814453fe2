/// One client connection: stream bytes -> decoder -> responder -> ordered responses -> stream.
/// Requests are handled one at a time, so responses always leave in request order.
final class ServerConnection: TCPStreamDelegate {
    /// Where the connection is in its life. The socket is read only in `reading`; every other state has
    /// stopped reading (or drops what comes), so a client can never make the node buffer more than one
    /// read's worth of its bytes beyond what the kernel holds.
    ///
    ///     reading --(.later reply)--> awaitingReply --(reply sent)--> reading
    ///     reading --(output over the bound)--> writing --(drained)--> reading
    ///     reading / awaitingReply / writing --(a closing response)--> lingering --(linger over / FIN out)--> closed
    ///     reading --(.channel reply)--> channel --(either side closes)--> closed
    ///     any --(close callback)--> closed
    enum State {
        /// Decoding requests as they arrive.
        case reading
        /// A reply is being built (e.g. a large payload off the loop). The socket is not read; bytes that came
        /// with the request wait in `spill` and are decoded once the reply went out.
        case awaitingReply(Exchange)
        /// More output is pending than `maxPendingOutputBytes`: the socket is not read until it drains.
        case writing
        /// The last response said `Connection: close`: FIN follows it, input is read and dropped.
        case lingering(since: UInt64)
        /// Handed to an owner as an OpenChannel (the change stream): it writes until either side closes; input is
        /// read only to notice the client leaving, and dropped.
        case channel
        case closed
    }

    /// What the answer to the pending request needs from its request.
    struct Exchange {
        var reply: PendingReply
        var headOnly: Bool
        var keepAlive: Bool
        var http10: Bool
    }

    // Exclusivity: every property below marked `@exclusivity(unchecked)` is touched only on the loop thread,
    // and never through an inout access that overlaps another (no property is passed inout to code that can
    // reach this object again). The dynamic checks cost ~40 runtime calls per heartbeat (callgrind, bench/
    // RESULTS.md), so the hot per-request state opts out of them; the static checks still apply.
    let stream: TCPStream
    private let decoder: RequestDecoder
    private let context: ConnectionContext
    @exclusivity(unchecked) private(set) var state = State.reading
    @exclusivity(unchecked) private var spill = ByteBuffer()
    /// The peer sent FIN: answer what it is owed, then close.
    @exclusivity(unchecked) private var peerEnded = false
    /// `100 Continue` (or the refusal instead of it) went out for the request being received.
    @exclusivity(unchecked) private var sentContinue = false
    /// Idle buffers were handed back; set again by the next read.
    @exclusivity(unchecked) private var buffersReleased = true
    @exclusivity(unchecked) private(set) var lastActivity: UInt64
    @exclusivity(unchecked) private var requestStartedAt: UInt64 = 0
    /// Bytes of large shared bodies queued since the last drain, counted in the context's backlog.
    @exclusivity(unchecked) private var bulkOwed = 0
    /// The channel owner's callbacks (state `.channel` only): see OpenChannel.
    var onClose: (() -> Void)?
    var onDrain: (() -> Void)?

    init(stream: TCPStream, context: ConnectionContext) {
        self.stream = stream
        self.context = context
        decoder = RequestDecoder(maxHeaderBytes: context.settings.maxHeaderBytes, maxBodyBytes: context.settings.maxBodyBytes,
                                 pool: context.requestBuffers)
        lastActivity = stream.loop.nowMillis
        stream.delegate = self
    }

    func start() { stream.startReading() }

    private var isAwaitingReply: Bool {
        if case .awaitingReply = state { return true }
        return false
    }

    /// Reading or paused for output: requests may still be decoded and answered.
    private var isServing: Bool {
        switch state {
        case .reading, .writing: return true
        case .awaitingReply, .lingering, .channel, .closed: return false
        }
    }

    /// Waiting for a held reply (long poll): the socket stays read so that a client leaving is noticed.
    private var isAwaitingHeldReply: Bool {
        if case .awaitingReply(let exchange) = state { return exchange.reply.isHeld }
        return false
    }

    // MARK: reading

    func stream(_ stream: TCPStream, didRead bytes: UnsafeRawBufferPointer) {
        lastActivity = stream.loop.nowMillis
        context.metrics.bytesIn += bytes.count
        switch state {
        case .lingering, .channel, .closed:
            return  // input after a closing response, or beside a channel, is dropped
        case .awaitingReply(let exchange):
            // Reading stopped when the reply became pending; a read already under way can still land here. A held
            // reply keeps reading to notice the client leaving: what comes meanwhile waits, up to one request head.
            spill.append(bytes)
            if !exchange.reply.isHeld || spill.count > context.settings.maxHeaderBytes { stream.stopReading() }
            return
        case .reading, .writing:
            break
        }
        if !decoder.isMidRequest { requestStartedAt = lastActivity }
        buffersReleased = false
        let consumed = process(bytes)
        keepUnconsumed(bytes, from: consumed)
        stream.flush()
        applyBackpressure()
        if isServing, spill.isEmpty { decoder.recycleBuffers() }  // idle until the next request: hold none
        if case .channel = state { decoder.releaseBuffers() }     // no request follows on a channel
    }

    /// Decodes and answers requests until the input is used up, a reply is pending, or the connection ends.
    /// Returns how many bytes were consumed.
    private func process(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < bytes.count, isServing {
            switch decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .request(let consumed):
                offset += consumed
                sentContinue = false
                handleRequest()
                if decoder.isMidRequest == false { requestStartedAt = stream.loop.nowMillis }
            case .needMore:
                if decoder.continueRequested && !sentContinue {
                    sentContinue = true
                    if var refusal = context.responder.refusal(beforeBody: decoder.request) {
                        refusal.closeConnection = true  // the body will not be read
                        send(refusal, headOnly: false, keepAlive: false, http10: false)
                        return bytes.count
                    }
                    stream.queue { ResponseWriter.writeContinue(into: &$0) }
                }
                return bytes.count
            case .failure(let failure):
                context.metrics.decodeFailures += 1
                var response = context.errorResponse(failure.status)
                response.closeConnection = true
                send(response, headOnly: false, keepAlive: false, http10: false)
                return bytes.count
            }
        }
        return offset
    }

    /// While a reply is pending, the rest of this read waits in `spill` and the socket is not read again
    /// until the reply went out: later requests wait in the kernel, not in our memory.
    private func keepUnconsumed(_ bytes: UnsafeRawBufferPointer, from consumed: Int) {
        guard isAwaitingReply else { return }
        if consumed < bytes.count { spill.append(UnsafeRawBufferPointer(rebasing: bytes[consumed...])) }
        if !isAwaitingHeldReply || spill.count > context.settings.maxHeaderBytes { stream.stopReading() }
    }

    private func handleRequest() {
        // The request is read in place, not copied out of the decoder (a copy retains and releases its arrays).
        let headOnly = decoder.request.method == .head
        let keepAlive = decoder.request.keepAlive && !context.isStopping
        let http10 = decoder.request.isHTTP10
        context.metrics.requests += 1
        // Lent in place through an inout access: passing `decoder.request` itself would copy it (a retain and
        // release of each of its arrays), and moving it out needs an empty `Request` built and destroyed per
        // request. Nothing reaches the decoder while the responder runs.
        let reply = Self.respond(context.responder, to: &decoder.request)
        switch reply {
        case .now(let response):
            send(response, headOnly: headOnly, keepAlive: keepAlive, http10: http10)
        case .later(let reply):
            state = .awaitingReply(Exchange(reply: reply, headOnly: headOnly, keepAlive: keepAlive, http10: http10))
            reply.onComplete { [weak self] response in self?.lateReply(response) }
        case .channel(let adopt):
            state = .channel
            spill.release()
            if !peerEnded { stream.startReading() }
            adopt(self)
        }
    }

    /// An inout request is borrowed for the call, not copied (no other access can overlap it).
    @inline(__always)
    private static func respond(_ responder: Responder, to request: inout Request) -> Reply {
        responder.respond(to: request)
    }

    private func lateReply(_ response: Response) {
        guard case .awaitingReply(let exchange) = state else { return }
        state = .reading
        send(response, headOnly: exchange.headOnly, keepAlive: exchange.keepAlive, http10: exchange.http10)
        // Requests that arrived meanwhile wait in the spill buffer: answer them now, in order.
        var waiting = ByteBuffer()
        swap(&waiting, &spill)
        if !waiting.isEmpty {
            let consumed = process(waiting.bytes)
            keepUnconsumed(waiting.bytes, from: consumed)
        }
        stream.flush()
        if case .reading = state, !peerEnded { stream.startReading() }
        finishIfPeerEnded()
        applyBackpressure()
    }

    private func send(_ response: Response, headOnly: Bool, keepAlive: Bool, http10: Bool) {
        let close = response.closeConnection || !keepAlive
        var byReference: SharedBytes?
        var written = 0
        stream.queue { out in
            let before = out.count
            byReference = ResponseWriter.write(response, headOnly: headOnly, close: close, keepAliveHTTP10: http10 && !close, into: &out)
            written = out.count - before
        }
        if let byReference {
            written += byReference.count
            stream.queue(reference: byReference.raw, owner: byReference)
            bulkOwed += byReference.count
            context.bulkBacklogBytes += byReference.count
            if let version = response.bodyVersion { context.pins.pin(version, bytes: byReference.count, by: stream) }
        }
        context.metrics.bytesOut += written
        if close {
            state = .lingering(since: stream.loop.nowMillis)
            spill.release()
            if !peerEnded { stream.startReading() }  // input is drained and dropped until the linger ends (spec 1.8)
            stream.shutdownWhenDrained()
        }
    }

    // MARK: stream events

    func streamDidEnd(_ stream: TCPStream) {
        peerEnded = true
        if case .channel = state { return stream.close() }  // the client left its stream
        if isAwaitingHeldReply { return stream.close() }     // nobody is left to answer (the close cancels the hold)
        if isServing, decoder.isMidRequest {
            stream.close()  // a request cut off mid-way has nobody to answer
            return
        }
        finishIfPeerEnded()
    }

    func streamDidDrain(_ stream: TCPStream) {
        releaseBulk()
        if case .channel = state {
            onDrain?()
            return
        }
        if case .writing = state {
            state = .reading
            if !peerEnded { stream.startReading() }
        }
        finishIfPeerEnded()
        if context.isStopping, isIdle { stream.close() }
    }

    func streamDidClose(_ stream: TCPStream) {
        releaseBulk()
        let previous = state
        state = .closed
        switch previous {
        case .awaitingReply(let exchange): exchange.reply.cancel()  // a holder (long poll) lets go of it
        case .channel:
            let closed = onClose
            onClose = nil
            onDrain = nil
            closed?()
        default: break
        }
        context.connectionDidClose(self)
    }

    /// Everything queued left (or never will): the large bodies no longer count as backlog or pin a version.
    private func releaseBulk() {
        guard bulkOwed > 0 else { return }
        context.bulkBacklogBytes -= bulkOwed
        bulkOwed = 0
        context.pins.release(stream)
    }

    /// The peer sent FIN: once every answer it is owed has left, close.
    private func finishIfPeerEnded() {
        guard peerEnded, !isAwaitingReply, stream.pendingBytes == 0 else { return }
        stream.close()
    }

    private func applyBackpressure() {
        guard case .reading = state, stream.pendingBytes > context.settings.maxPendingOutputBytes else { return }
        state = .writing
        stream.stopReading()
    }

    // MARK: housekeeping (called by the server's sweep timer)

    /// Nothing owed, nothing half-received.
    var isIdle: Bool { !isAwaitingReply && stream.pendingBytes == 0 && !decoder.isMidRequest && spill.isEmpty }

    func sweep(now: UInt64) {
        switch state {
        case .closed, .awaitingReply:
            return
        case .channel:
            // Quiet between events by design: no idle timeout. A client that stopped reading is cut by its channel's
            // queue bound, or by the write timeout once its output stops moving.
            if stream.writeStalledMillis(now: now) >= context.settings.writeTimeoutMs {
                context.metrics.writeTimeouts += 1
                stream.close()
            }
        case .lingering(let since):
            // A closing answer still being written (a registry for a `Connection: close` client) is bound by the
            // write timeout, not cut by the linger, which is for the input that follows it.
            if stream.pendingBytes > 0 {
                if stream.writeStalledMillis(now: now) >= context.settings.writeTimeoutMs {
                    context.metrics.writeTimeouts += 1
                    stream.close()
                }
            } else if now &- since >= context.settings.lingerMs {
                stream.close()
            }
        case .reading, .writing:
            if stream.writeStalledMillis(now: now) >= context.settings.writeTimeoutMs {
                // The client stopped reading: what it was sent (maybe a whole registry version) goes with it.
                context.metrics.writeTimeouts += 1
                stream.close()
            } else if decoder.isMidRequest, now &- requestStartedAt >= context.settings.requestTimeoutMs {
                context.metrics.timeouts += 1
                var response = Response.empty(408)
                response.closeConnection = true
                send(response, headOnly: false, keepAlive: false, http10: false)
                stream.flush()
            } else if isIdle, now &- lastActivity >= context.settings.idleTimeoutMs {
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

    /// The channel's owner is done with it: what is queued leaves, then FIN, and the connection lingers as after a
    /// closing response (input dropped, closed when the client closes or the linger ends).
    func finishChannel() {
        guard case .channel = state else { return }
        onClose = nil
        onDrain = nil
        state = .lingering(since: stream.loop.nowMillis)
        stream.shutdownWhenDrained()
    }

    /// Graceful stop: idle connections close now, busy ones after their current answer.
    func beginStop() {
        if case .channel = state { return stream.close() }
        if isServing, isIdle { stream.close() }
    }
}

/// A connection in state `.channel` written by its owner (see OpenChannel). In this file: it reaches the private context.
extension ServerConnection: OpenChannel {
    var queuedBytes: Int { stream.unsentBytes }

    func send(_ fill: (inout ByteBuffer) -> Void) {
        var written = 0
        stream.queue { out in
            let before = out.count
            fill(&out)
            written = out.count - before
        }
        context.metrics.bytesOut += written
        stream.flush()
    }

    func send(shared: SharedBytes) {
        // Written at once when nothing is queued (the usual case for a subscriber that keeps up): the fan-out of
        // one change to 10,000 streams is 10,000 of these in one loop turn, so no write request or callback each.
        stream.write(reference: shared.raw, owner: shared)
        context.metrics.bytesOut += shared.count
    }

    func send(shared: [SharedBytes]) {
        var total = 0
        stream.write(references: shared.map { part in
            total += part.count
            return (part.raw, part)
        })
        context.metrics.bytesOut += total
    }

    func close() { stream.close() }

    func finish() { finishChannel() }
}
