import CLibUV

/// What a stream tells its owner. Called on the loop thread.
protocol TCPStreamDelegate: AnyObject {
    /// Bytes live in the loop's read slab only for this call: copy what must outlive it.
    func stream(_ stream: TCPStream, didRead bytes: UnsafeRawBufferPointer)
    /// EOF or a read error (`readError` tells them apart): the peer is gone or done sending.
    func streamDidEnd(_ stream: TCPStream)
    /// The last queued byte left; `pendingBytes` is 0.
    func streamDidDrain(_ stream: TCPStream)
    func streamDidClose(_ stream: TCPStream)
}

/// One uv_tcp_t, closed through LoopHandle (the +1 from init to the close callback lives there).
/// One write is in flight at a time: bytes produced meanwhile collect in `pending` and leave together
/// in the next uv_write.
final class TCPStream: LoopHandle {
    // Exclusivity: every property below marked `@exclusivity(unchecked)` is touched only on the loop thread,
    // and never through an inout access that overlaps another (no property is passed inout to code that can
    // reach this object again). The dynamic checks cost ~40 runtime calls per heartbeat (callgrind, bench/
    // RESULTS.md), so the hot per-request state opts out of them; the static checks still apply.
    weak var delegate: TCPStreamDelegate?
    /// The cap on large referenced writes per tick, shared by the streams of one owner (the HTTP server sets it
    /// at accept and closes it); nil means no cap. Strong: the owner may close the budget before the last stream goes.
    var bulkWriteBudget: BulkWriteBudget?
    // No uv_write_t or uv_shutdown_t of its own: a write borrows one from the loop until its callback, and a
    // shutdown (rare: `Connection: close`) allocates one freed in its callback, so idle streams hold neither.
    @exclusivity(unchecked) private var inFlight = ByteBuffer()  // libuv's from uv_write to the callback; never touched meanwhile
    @exclusivity(unchecked) private var pending = ByteBuffer()   // responses produced meanwhile, in request order
    @exclusivity(unchecked) private(set) var isReading = false
    @exclusivity(unchecked) private var shutdownAfterDrain = false
    /// Why reading ended, when it was not a plain EOF (ECONNRESET...): a body that runs to EOF is complete only on EOF.
    private(set) var readError: UVError?
    /// Bytes sent by reference (large immutable payloads), each placed at an offset of `pending`/`inFlight`
    /// and kept alive by its owner until the write that carries it calls back.
    @exclusivity(unchecked) private var pendingSplices: [Splice] = []
    @exclusivity(unchecked) private var inFlightSplices: [Splice] = []
    @exclusivity(unchecked) private var splicedBytes = 0
    /// Write callbacks so far, and what `writeStalledMillis` last saw: no timer of its own per stream.
    @exclusivity(unchecked) private var writesCompleted = 0
    private var stallWatch: (writes: Int, queued: Int, since: UInt64)?

    private struct Splice {
        var offset: Int
        var bytes: UnsafeRawBufferPointer
        var owner: AnyObject
        /// What is left of a payload already written in slices: its last slice is bulk output too, not a small answer.
        var isBulkRemainder = false
    }

    init(loop: EventLoop) throws(UVError) {
        try super.init(loop: loop, kind: .stream, uv_tcp_t.self) { uv_tcp_init(loop.raw, $0) }
    }

    var tcp: UnsafeMutablePointer<uv_tcp_t> { raw(as: uv_tcp_t.self) }

    var pendingBytes: Int { pending.count + inFlight.count + splicedBytes }

    /// Bytes the kernel has not taken yet: those waiting for the next write plus what libuv still holds of the one
    /// in flight. Unlike `pendingBytes`, a write the kernel took whole stops counting at once, not at its callback
    /// on the next turn: what a reader that keeps up never accumulates.
    var unsentBytes: Int {
        var waiting = pending.count
        for splice in pendingSplices { waiting += splice.bytes.count }
        return waiting + Int(uv_stream_get_write_queue_size(asStream(tcp)))
    }

    func startReading() {
        guard !isReading, !isClosing else { return }
        isReading = true
        uv_read_start(asStream(tcp), { handle, _, buf in
            let slab = owner(of: handle, as: TCPStream.self).loop.readSlab
            buf!.pointee = uv_buf_init(slab.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(slab.count))
        }, { handle, nread, buf in
            let stream = owner(of: handle, as: TCPStream.self)
            if nread > 0 {
                if stream.loop.isProfiling {
                    stream.profiledRead(UnsafeRawBufferPointer(start: buf!.pointee.base, count: nread))
                    return
                }
                stream.delegate?.stream(stream, didRead: UnsafeRawBufferPointer(start: buf!.pointee.base, count: nread))
            } else if nread < 0 {
                if nread != Int(UV_EOF.rawValue) { stream.readError = UVError(code: Int32(truncatingIfNeeded: nread)) }
                stream.stopReading()
                stream.delegate?.streamDidEnd(stream)
            }
        })
    }

    func stopReading() {
        guard isReading, !isClosing else { return }
        isReading = false
        uv_read_stop(asStream(tcp))
    }

    /// Queues bytes; they leave with the next flush().
    func queue(_ fill: (inout ByteBuffer) -> Void) {
        guard !isClosing else { return }
        if pending.capacity == 0, let storage = loop.takeBuffer() { pending.adopt(storage) }
        fill(&pending)
    }

    /// Queues `bytes` by reference after everything queued so far: no copy, `owner` keeps them alive until
    /// the write that carries them calls back.
    func queue(reference bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        guard !isClosing, !bytes.isEmpty else { return }
        pendingSplices.append(Splice(offset: pending.count, bytes: bytes, owner: owner))
        splicedBytes += bytes.count
    }

    /// Writes `bytes` at once when nothing is queued or in flight, as far as the socket takes them (uv_try_write),
    /// and queues only the rest, by reference, behind which later bytes wait as usual: so output stays in order.
    /// For small bytes shared by many streams (a change event fanned out to every subscriber): a reader that keeps
    /// up costs one send() and no write request, no callback on the next turn and no drain (the stream was drained
    /// before and still is). Larger bytes, and any error, take the ordinary queued path (an error closes the
    /// stream from uv_write's callback as before).
    func write(reference bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        guard !isClosing, !bytes.isEmpty else { return }
        var rest = bytes
        if bytes.count <= Self.maxImmediateBytes, inFlight.isEmpty, inFlightSplices.isEmpty, pending.isEmpty,
           pendingSplices.isEmpty {
            bulkWriteBudget?.noteSmallWrite()
            var buffer = uv_buf_init(UnsafeMutableRawPointer(mutating: bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                                     UInt32(bytes.count))
            let written = Int(uv_try_write(asStream(tcp), &buffer, 1))
            if written == bytes.count {
                immediateWrites &+= 1
                return
            }
            if written > 0 { rest = UnsafeRawBufferPointer(rebasing: bytes[written...]) }
        }
        queue(reference: rest, owner: owner)
        flush()
    }

    /// The same for several runs of bytes, in order, in one writev where the socket takes them: what is not taken
    /// is queued, from the first byte left over on.
    func write(references parts: [(bytes: UnsafeRawBufferPointer, owner: AnyObject)]) {
        guard !isClosing, !parts.isEmpty else { return }
        if parts.count == 1 { return write(reference: parts[0].bytes, owner: parts[0].owner) }
        var written = 0
        let total = parts.reduce(0) { $0 + $1.bytes.count }
        if total <= Self.maxImmediateBytes, parts.count <= 64, inFlight.isEmpty, inFlightSplices.isEmpty, pending.isEmpty,
           pendingSplices.isEmpty {
            bulkWriteBudget?.noteSmallWrite()
            var buffers = parts.map {
                uv_buf_init(UnsafeMutableRawPointer(mutating: $0.bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                            UInt32($0.bytes.count))
            }
            written = max(0, Int(uv_try_write(asStream(tcp), &buffers, UInt32(buffers.count))))
            if written == total {
                immediateWrites &+= 1
                return
            }
        }
        for part in parts {
            if written >= part.bytes.count {
                written -= part.bytes.count
                continue
            }
            queue(reference: UnsafeRawBufferPointer(rebasing: part.bytes[written...]), owner: part.owner)
            written = 0
        }
        flush()
    }

    /// Above this, `write(reference:)` queues as before: a large payload's kernel copy is paced by the bulk budget.
    static let maxImmediateBytes = 16 * 1024

    /// Writes that `write(reference:)` completed at once (tests and diagnostics).
    @exclusivity(unchecked) private(set) var immediateWrites = 0

    /// Called once at the end of each read callback and when a late response lands, so pipelined
    /// responses leave in one uv_write.
    func flush() {
        guard inFlight.isEmpty, inFlightSplices.isEmpty, !pending.isEmpty || !pendingSplices.isEmpty, !isClosing else { return }
        if let large = pendingSplices.firstIndex(where: { $0.bytes.count > Self.maxReferencedBytesPerWrite }) {
            if let budget = bulkWriteBudget, !budget.admit(Self.maxReferencedBytesPerWrite, for: self) { return }
            takeUpToLargeSplice(large)
        } else {
            // The last slice of a large payload is not a small answer: counted as one, every 3.5 MB gzip fetch kept
            // the cap on for the fetches themselves (0.32x nginx with fetches alone, bench/fetch-nginx.sh).
            if !pendingSplices.contains(where: \.isBulkRemainder) { bulkWriteBudget?.noteSmallWrite() }
            swap(&inFlight, &pending)
            swap(&inFlightSplices, &pendingSplices)
        }
        let writeRequest = loop.takeWriteRequest()
        writeRequest.pointee.data = Unmanaged.passUnretained(self).toOpaque()  // the handle's +1 covers it
        // libuv copies the descriptors, not the bytes. Owned bytes alone (every small answer) need one descriptor,
        // kept on the stack: the array of descriptors was an allocation and a free per heartbeat (callgrind).
        let rc: Int32
        if inFlightSplices.isEmpty {
            var buffer = uv_buf_init(UnsafeMutableRawPointer(inFlight.base!).assumingMemoryBound(to: CChar.self), UInt32(inFlight.count))
            rc = uv_write(writeRequest, asStream(tcp), &buffer, 1, tcpStreamWriteDone)
        } else {
            var buffers = descriptors()
            rc = uv_write(writeRequest, asStream(tcp), &buffers, UInt32(buffers.count), tcpStreamWriteDone)
        }
        if rc < 0 {
            loop.recycle(writeRequest)  // a refused uv_write never calls back
            inFlight.removeAll()
            dropInFlightSplices()
            close()
        }
    }

    /// A multi-megabyte payload leaves in slices: libuv writes as much as the socket takes inside uv_write, and
    /// the kernel copy runs on the loop thread, so one huge write per reader per turn would hold heartbeats
    /// back behind every fetcher. Slices let the loop go round between them.
    static let maxReferencedBytesPerWrite = 128 * 1024

    /// In-flight takes everything before splice `index` plus the first slice of it; the rest of that splice
    /// and everything after it stay pending, in order.
    private func takeUpToLargeSplice(_ index: Int) {
        let large = pendingSplices[index]
        let cut = large.offset
        inFlight.append(UnsafeRawBufferPointer(rebasing: pending.bytes[0..<cut]))
        pending.removeFirst(cut)
        inFlightSplices.append(contentsOf: pendingSplices[0..<index])
        inFlightSplices.append(Splice(offset: cut, bytes: UnsafeRawBufferPointer(rebasing: large.bytes[0..<Self.maxReferencedBytesPerWrite]),
                                      owner: large.owner))
        pendingSplices.removeFirst(index)
        pendingSplices[0].bytes = UnsafeRawBufferPointer(rebasing: large.bytes[Self.maxReferencedBytesPerWrite...])
        pendingSplices[0].isBulkRemainder = true
        for i in pendingSplices.indices { pendingSplices[i].offset -= cut }
    }

    /// The in-flight bytes in order: stretches of the owned buffer with the referenced payloads between them.
    private func descriptors() -> [uv_buf_t] {
        func owned(_ range: Range<Int>) -> uv_buf_t {
            uv_buf_init(UnsafeMutableRawPointer(inFlight.base! + range.lowerBound).assumingMemoryBound(to: CChar.self),
                        UInt32(range.count))
        }
        guard !inFlightSplices.isEmpty else { return [owned(0..<inFlight.count)] }
        var buffers: [uv_buf_t] = []
        var cursor = 0
        for splice in inFlightSplices {
            if splice.offset > cursor { buffers.append(owned(cursor..<splice.offset)) }
            buffers.append(uv_buf_init(UnsafeMutableRawPointer(mutating: splice.bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                                       UInt32(splice.bytes.count)))
            cursor = splice.offset
        }
        if cursor < inFlight.count { buffers.append(owned(cursor..<inFlight.count)) }
        return buffers
    }

    private func dropInFlightSplices() {
        for splice in inFlightSplices { splicedBytes -= splice.bytes.count }
        inFlightSplices.removeAll(keepingCapacity: true)
    }

    /// How long the write in flight has not moved (0 without one), for the owner's periodic sweep: a write
    /// moves when libuv's queue of unsent bytes shrinks or a write completes. Waiting for the bulk write
    /// budget is not a stall: nothing is in flight then.
    func writeStalledMillis(now: UInt64) -> UInt64 {
        guard !inFlight.isEmpty || !inFlightSplices.isEmpty, !isClosing else {
            stallWatch = nil
            return 0
        }
        let queued = Int(uv_stream_get_write_queue_size(asStream(tcp)))
        if let watch = stallWatch, watch.writes == writesCompleted, watch.queued == queued { return now &- watch.since }
        stallWatch = (writesCompleted, queued, now)
        return 0
    }

    fileprivate func didWrite(status: Int32) {
        if loop.isProfiling { return profiledDidWrite(status: status) }
        completeWrite(status: status)
    }

    private func completeWrite(status: Int32) {
        writesCompleted &+= 1
        if let storage = inFlight.surrender() { loop.recycle(storage) }  // the next write takes it from the loop
        dropInFlightSplices()
        if status < 0 || isClosing {
            close()
            return
        }
        if !pending.isEmpty || !pendingSplices.isEmpty {
            flush()
        } else {
            if shutdownAfterDrain { shutdownNow() }
            delegate?.streamDidDrain(self)
        }
    }

    // The loop profile's paths (bench/debug only), kept out of line so the callbacks' usual path stays as it was
    // (callgrind: measuring inline, and reading the optional profile, added retains per heartbeat with it off).
    @inline(never)
    private func profiledRead(_ bytes: UnsafeRawBufferPointer) {
        guard let profile = loop.profile else { return }
        let start = profile.begin()
        delegate?.stream(self, didRead: bytes)
        profile.end("read", since: start, detail: { LoopProfile.firstLine(bytes) })
    }

    @inline(never)
    private func profiledDidWrite(status: Int32) {
        guard let profile = loop.profile else { return }
        let start = profile.begin()
        let bulk = !inFlightSplices.isEmpty
        completeWrite(status: status)
        profile.end(bulk ? "write done (bulk slice)" : "write done", since: start)
    }

    /// Idle connections give their output memory back.
    func releaseBuffers() {
        if inFlight.isEmpty { inFlight.release() }
        if pending.isEmpty { pending.release() }
    }

    /// Sends FIN once everything queued has left; reading goes on, so a sender is never left blocked
    /// on a full socket (spec 1.8 "never half-closes without reading").
    func shutdownWhenDrained() {
        guard !isClosing, !shutdownAfterDrain else { return }
        shutdownAfterDrain = true
        if pendingBytes == 0 { shutdownNow() }
    }

    private func shutdownNow() {
        shutdownAfterDrain = false
        let shutdownRequest = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        shutdownRequest.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        // The callback runs once, also when the stream closes first (ECANCELED): it frees the request.
        let rc = uv_shutdown(shutdownRequest, asStream(tcp)) { request, _ in request!.deallocate() }
        if rc < 0 { shutdownRequest.deallocate() }  // refused: no callback will come
    }

    override func willClose() {
        for splice in pendingSplices { splicedBytes -= splice.bytes.count }
        pendingSplices.removeAll()
        isReading = false
    }

    /// libuv has run the cancelled write callbacks (uv__finish_close) before this.
    override func didClose() { delegate?.streamDidClose(self) }
}

/// A write's completion. Runs before the close callback (cancelled writes too), so the handle's +1 still holds the
/// stream.
private func tcpStreamWriteDone(_ request: UnsafeMutablePointer<uv_write_t>?, _ status: Int32) {
    let stream = Unmanaged<TCPStream>.fromOpaque(request!.pointee.data).takeUnretainedValue()
    stream.loop.recycle(request!)
    stream.didWrite(status: status)
}
