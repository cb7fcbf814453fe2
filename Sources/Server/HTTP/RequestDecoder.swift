import CHTTPParser

/// Why a request could not be decoded; each maps to one status code and ends the connection.
enum DecodeFailure: Equatable, Sendable {
    case malformed          // 400
    case headersTooLarge    // 431
    case bodyTooLarge       // 413

    var status: Int {
        switch self {
        case .malformed: 400
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        }
    }
}

/// Spare request buffers shared by the decoders of one loop. A decoder holds buffers only from a request's
/// first byte until it was answered, so 19,000 idle keep-alive connections hold none, and the freed memory is
/// reused by the next connection instead of each one keeping (and fragmenting) its own. Loop-confined.
final class RequestBufferPool {
    /// `spare[0..<filled]` hold buffers; the slots after them hold empty requests, kept so that lending and
    /// returning buffers are two swaps and no empty `Request` is built or destroyed per request (~150 Ir each).
    @exclusivity(unchecked) fileprivate var spare: [Request] = []
    @exclusivity(unchecked) fileprivate var filled = 0
    fileprivate let limit: Int
    init(limit: Int = 1_024) { self.limit = limit }
}

/// http_parser in request mode: bytes in, one complete request at a time out. The parser pauses at
/// each message end, so pipelined requests are handed over strictly one by one and answered in order.
/// Callbacks copy what they keep: their bytes live in the loop's shared read slab.
///
/// Two ways to the headers. A request whose head arrives whole in one input (nearly all: a heartbeat's 300 bytes
/// come in one read) is parsed without per-header callbacks and its lines are split once the parser accepted
/// the head (WholeHeadSplitter). Otherwise, or when that head is not of the plain shape, the parser runs over
/// the same input again from a copy of its state taken before, with a callback per name and value piece: a head
/// cut across reads, a folded line, a head near the size limit, a chunked body (its trailers), a parse error.
/// That fallback lives in RequestDecoder+HeaderCallbacks.swift; this file holds what both paths share (the decode
/// loop, the URL, body and message callbacks, the limits) and the whole-head path. The members that file needs are
/// internal rather than private for that reason alone: nothing outside the decoder uses them.
final class RequestDecoder {
    enum Result: Equatable {
        /// `request` holds a complete request; `consumed` bytes of the input belong to it (and earlier ones).
        case request(consumed: Int)
        /// All input consumed; the request is not complete yet.
        case needMore
        case failure(DecodeFailure)
    }

    // Exclusivity: every property below marked `@exclusivity(unchecked)` is touched only on the loop thread,
    // and never through an inout access that overlaps another (no property is passed inout to code that can
    // reach this object again). The dynamic checks cost ~40 runtime calls per heartbeat (callgrind, bench/
    // RESULTS.md), so the hot per-request state opts out of them; the static checks still apply.
    let parser = UnsafeMutablePointer<http_parser>.allocate(capacity: 1)
    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int
    /// The request being filled, complete once `decode` returned `.request`.
    @exclusivity(unchecked) var request = Request()
    /// Set when the headers asked for `Expect: 100-continue` and were accepted.
    @exclusivity(unchecked) private(set) var continueRequested = false
    /// Bytes of the current request already received (the header-read timeout starts at the first one).
    @exclusivity(unchecked) private(set) var isMidRequest = false
    @exclusivity(unchecked) private var headerBytes = 0
    @exclusivity(unchecked) var headerState = HeaderAccumulation.noHeader
    /// The header being received (while `headerState` is not `.noHeader`): appended to `request.headers` once,
    /// when the next name starts or the headers end, instead of an array write per name and per value callback.
    @exclusivity(unchecked) var pendingName = 0..<0
    @exclusivity(unchecked) var pendingValue = 0..<0
    @exclusivity(unchecked) private var complete = false
    @exclusivity(unchecked) var failure: DecodeFailure?
    /// Where this decode call's URL and header bytes start in the input, and what `head.count` was then.
    /// Callbacks only record ranges; the bytes are copied into `head` in one piece when the headers end or
    /// the input runs out (a request cut across reads), not one append per callback.
    @exclusivity(unchecked) private var regionStart: UnsafePointer<CChar>?
    @exclusivity(unchecked) var regionEnd: UnsafePointer<CChar>?
    @exclusivity(unchecked) private var headBase = 0
    /// This decode call's input, and whether the previous call's input ended inside a header value: then a value
    /// piece at the very start of this input continues it, anything else is a folded line (see appendHeaderValue).
    @exclusivity(unchecked) var inputBase: UnsafePointer<CChar>?
    @exclusivity(unchecked) var valueCutByInputEnd = false
    /// The end of this decode call's input, for the whole-head split.
    @exclusivity(unchecked) private var inputEnd: UnsafePointer<CChar>?
    /// The current request's head has been taken (by either path): no second parse of this input.
    @exclusivity(unchecked) private var headTaken = false

    private let pool: RequestBufferPool?
    /// False only in tests: every head goes through the header callbacks (the reference the split is checked against).
    private let splitsWholeHeads: Bool
    #if DEBUG
    /// Heads taken by the splitter, so tests can tell which path a request took.
    private(set) var wholeHeadsSplit = 0
    #endif

    init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1024 * 1024, pool: RequestBufferPool? = nil,
         splitsWholeHeads: Bool = true) {
        self.pool = pool
        self.splitsWholeHeads = splitsWholeHeads
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        http_parser_init(parser, HTTP_REQUEST)
        parser.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit { parser.deallocate() }

    /// Feeds bytes. After `.request`, handle `request`, then call again with the unconsumed rest.
    func decode(_ bytes: UnsafeRawBufferPointer) -> Result {
        if let failure { return .failure(failure) }
        if complete { resetForNextRequest() }
        if !isMidRequest, request.head.capacity == 0, let pool, pool.filled > 0 {
            pool.filled -= 1
            swap(&request, &pool.spare[pool.filled])  // a move: no copy of the arrays, no retain; the slot keeps ours
        }
        parser.pointee.http_errno = HPE_OK.rawValue  // http_parser_pause(parser, 0) without the call: not in error here
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        inputBase = base
        var consumed: Int
        if splitsWholeHeads, !isMidRequest, let base {
            // A request starts in this input: try its head whole. The parser is a plain struct, so a copy of it
            // lets the same input be parsed again with the header callbacks if the head did not come out whole.
            let saved = parser.pointee
            inputEnd = base + bytes.count
            consumed = http_parser_execute(parser, requestParserWholeHeadCallbacks, base, bytes.count)
            if !headTaken { consumed = parseAgainWithHeaderCallbacks(from: saved, base, bytes.count) }
        } else {
            consumed = parseWithHeaderCallbacks(base, bytes.count)
        }
        valueCutByInputEnd = headerState == .inValue && regionEnd != nil && regionEnd == base.map { $0 + bytes.count }
        copyRegion()  // the input is gone after this call: keep the header bytes seen so far
        if let failure { return .failure(failure) }
        if complete { return .request(consumed: consumed) }
        let errno = parser.pointee.http_errno
        if errno != HPE_OK.rawValue && errno != HPE_PAUSED.rawValue {
            failure = .malformed
            return .failure(.malformed)
        }
        return .needMore
    }

    /// The peer closed: a request cut off mid-way is malformed, nothing pending is fine.
    func finish() -> Result {
        if complete { resetForNextRequest() }
        return isMidRequest ? .failure(.malformed) : .needMore
    }

    private func resetForNextRequest() {
        complete = false
        headTaken = false
        continueRequested = false
        isMidRequest = false
        headerBytes = 0
        headerState = .noHeader
        // A removeAll is a replaceSubrange (~80 Ir): the head is marked stale instead (overwritten by the next
        // whole head, emptied before any other parse, see dropStaleHead), the header list only resets its count.
        // A heartbeat has no body to remove.
        request.headIsStale = true
        request.headers.removeAll()
        if !request.body.isEmpty { request.body.removeAll(keepingCapacity: true) }
        request.urlRange = 0..<0
        regionStart = nil
        regionEnd = nil
        valueCutByInputEnd = false
    }

    /// Empties a head marked stale, before a parse that appends to it (the callbacks record positions from its count).
    @inline(__always)
    func dropStaleHead() {
        guard request.headIsStale else { return }
        request.head.removeAll(keepingCapacity: true)
        request.headIsStale = false
    }

    /// Undoes what a first parse of this input that did not take the head left (message begin, URL), so the second
    /// parse starts from the state both began in: between requests, nothing failed (decode checked), head empty.
    func forgetPartialHead() {
        isMidRequest = false
        headerBytes = 0
        request.urlRange = 0..<0
        regionStart = nil
        regionEnd = nil
        failure = nil
    }

    // MARK: callbacks (return non-zero to stop the parser)

    func messageBegin() -> Int32 {
        isMidRequest = true
        return 0
    }

    func appendURL(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard countHeaderBytes(n) else { return 1 }
        let (start, end) = record(at!, n)
        request.urlRange = request.urlRange.isEmpty ? start..<end : request.urlRange.lowerBound..<end
        return 0
    }

    /// The positions in `head` that `n` bytes at `at` will have once the region is copied. Pieces of one
    /// token cut across reads stay contiguous: the first piece ends the previous input, the next starts this one.
    @inline(__always)
    func record(_ at: UnsafePointer<CChar>, _ n: Int) -> (Int, Int) {
        if regionStart == nil {
            regionStart = at
            headBase = request.headIsStale ? 0 : request.head.count  // a stale head is replaced by this one
        }
        regionEnd = at + n
        // Wrapping arithmetic: positions are bounded by maxHeaderBytes (checked first), so nothing overflows.
        let start = headBase &+ (at - regionStart!)
        return (start, start &+ n)
    }

    /// Copies the URL and header bytes of this decode call into `head` (separators between them included).
    func copyRegion() {
        guard let start = regionStart, let end = regionEnd else { return }
        regionStart = nil
        regionEnd = nil
        start.withMemoryRebound(to: UInt8.self, capacity: end - start) {
            request.head.append(contentsOf: UnsafeBufferPointer(start: $0, count: end - start))
        }
    }

    /// on_headers_complete without header callbacks: the head is in this input from its URL (`regionStart`, the
    /// only region recorded) to the byte the parser stands on. Splits and copies it, or stops the parser (any
    /// return but 0, 1, 2 is an error for it) so that decode parses the input again with the callbacks.
    func wholeHeadComplete() -> Int32 {
        guard parser.pointee.flags & UInt32(F_CHUNKED.rawValue) == 0,  // the trailers need the callbacks
              let start = regionStart, let urlEnd = regionEnd, let end = inputEnd else { return 3 }
        let origin = UnsafeRawPointer(start).assumingMemoryBound(to: UInt8.self)
        guard let length = WholeHeadSplitter.split(
            origin: origin, urlEnd: UnsafeRawPointer(urlEnd).assumingMemoryBound(to: UInt8.self),
            end: UnsafeRawPointer(end).assumingMemoryBound(to: UInt8.self), limit: maxHeaderBytes,
            into: &request.headers)
        else {
            request.headers.removeAll()
            return 3
        }
        regionStart = nil
        regionEnd = nil
        let taken = UnsafeBufferPointer(start: origin, count: length)
        if request.headIsStale {
            request.head.replaceSubrange(0..<request.head.count, with: taken)  // overwritten: no removeAll before
            request.headIsStale = false
        } else {
            request.head.append(contentsOf: taken)
        }
        #if DEBUG
        wholeHeadsSplit += 1
        #endif
        return headTakenWhole()
    }

    /// What both paths do once the header lines are in `request`.
    func headTakenWhole() -> Int32 {
        headTaken = true
        request.method = Self.method(parser.pointee.method)
        request.keepAlive = keepsAlive()
        request.isHTTP10 = parser.pointee.http_major == 1 && parser.pointee.http_minor == 0
        let declaredLength = parser.pointee.content_length
        // ULLONG_MAX means "no Content-Length"; a declared body over the limit is refused before it is read.
        if declaredLength != UInt64.max && declaredLength > UInt64(maxBodyBytes) {
            failure = .bodyTooLarge
            return 1
        }
        // 100-continue matters only when a body follows (chunked, or a length above 0); a body-less
        // request completes in this same parser call, so the header scan is skipped for heartbeats.
        let hasBody = parser.pointee.flags & UInt32(F_CHUNKED.rawValue) != 0 || (declaredLength != 0 && declaredLength != UInt64.max)
        if hasBody, !request.isHTTP10, request.header("Expect", contains: "100-continue") {
            continueRequested = true
        }
        return 0
    }

    func appendBody(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        if request.body.count + n > maxBodyBytes {
            failure = .bodyTooLarge
            return 1
        }
        at!.withMemoryRebound(to: UInt8.self, capacity: n) {
            request.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
        }
        return 0
    }

    func messageComplete() -> Int32 {
        flushPendingHeader()  // the last trailer of a chunked body
        complete = true
        isMidRequest = false
        parser.pointee.http_errno = HPE_PAUSED.rawValue  // http_parser_pause(parser, 1) without the call
        return 0
    }

    func countHeaderBytes(_ n: Int) -> Bool {
        headerBytes &+= n  // n is a length within one input; the sum stops at maxHeaderBytes
        if headerBytes > maxHeaderBytes {
            failure = .headersTooLarge
            return false
        }
        return true
    }

    /// http_should_keep_alive for a request, from the fields it reads, without the call (~25 Ir a heartbeat):
    /// HTTP/1.1 and up (major and minor above 0) unless `Connection: close`, anything else only with
    /// `Connection: keep-alive`; a request never needs the connection's end to end its body.
    @inline(__always)
    private func keepsAlive() -> Bool {
        let flags = parser.pointee.flags
        let keeps = parser.pointee.http_major > 0 && parser.pointee.http_minor > 0
            ? flags & UInt32(F_CONNECTION_CLOSE.rawValue) == 0
            : flags & UInt32(F_CONNECTION_KEEP_ALIVE.rawValue) != 0
        assert(keeps == (http_should_keep_alive(parser) != 0), "keep-alive differs from http_should_keep_alive")
        return keeps
    }

    private static func method(_ raw: UInt32) -> HTTPMethod {
        switch http_method(rawValue: raw) {
        case HTTP_GET: .get
        case HTTP_HEAD: .head
        case HTTP_POST: .post
        case HTTP_PUT: .put
        case HTTP_DELETE: .delete
        case HTTP_OPTIONS: .options
        default: .other
        }
    }
}

extension RequestDecoder {
    /// Drops the request buffers' memory between requests (idle keep-alive connections).
    func releaseBuffers() {
        guard !isMidRequest else { return }
        request = Request()  // not stale
    }

    /// Between requests: hands the buffers to the pool (kept for the next request of any connection).
    /// The answered request was passed to the responder by value, so nothing here still needs them.
    func recycleBuffers() {
        guard let pool, !isMidRequest, request.head.capacity > 0 else { return }
        let wasComplete = complete
        if wasComplete { resetForNextRequest() }  // empties the request too
        // Big bodies are not kept: the pool holds at most `limit` ordinary requests' worth of memory.
        guard pool.filled < pool.limit, request.body.capacity <= 64 * 1024 else {
            request = Request()
            return
        }
        if pool.filled == pool.spare.count { pool.spare.append(Request()) }  // a new slot, once per pool high mark
        let last = pool.filled
        swap(&request, &pool.spare[last])  // the decoder gets the slot's empty request
        pool.filled += 1
        // Whatever state the decoder was in, the next borrower must start from an empty request.
        guard !wasComplete else { return }
        pool.spare[last].head.removeAll(keepingCapacity: true)
        pool.spare[last].headIsStale = false
        pool.spare[last].headers.removeAll()
        pool.spare[last].body.removeAll(keepingCapacity: true)
        pool.spare[last].urlRange = 0..<0
    }
}
