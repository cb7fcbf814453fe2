import CHTTPParser

/// Why a request could not be decoded; each maps to one status code and ends the connection.
public enum DecodeFailure: Equatable, Sendable {
    case malformed          // 400
    case headersTooLarge    // 431
    case bodyTooLarge       // 413

    public var status: Int {
        switch self {
        case .malformed: 400
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        }
    }
}

/// http_parser in request mode: bytes in, one complete request at a time out. The parser pauses at
/// each message end, so pipelined requests are handed over strictly one by one and answered in order.
/// Callbacks copy what they keep: their bytes live in the loop's shared read slab.
public final class RequestDecoder {
    public enum Result: Equatable {
        /// `request` holds a complete request; `consumed` bytes of the input belong to it (and earlier ones).
        case request(consumed: Int)
        /// All input consumed; the request is not complete yet.
        case needMore
        case failure(DecodeFailure)
    }

    private let parser = UnsafeMutablePointer<http_parser>.allocate(capacity: 1)
    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int
    /// The request being filled, complete once `decode` returned `.request`.
    public var request = Request()
    /// Set when the headers asked for `Expect: 100-continue` and were accepted.
    public private(set) var continueRequested = false
    /// Bytes of the current request already received (the header-read timeout starts at the first one).
    public private(set) var isMidRequest = false
    private var headerBytes = 0
    private var lastCallbackWasValue = false
    private var complete = false
    private var failure: DecodeFailure?

    public init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1024 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        http_parser_init(parser, HTTP_REQUEST)
        parser.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit { parser.deallocate() }

    /// Feeds bytes. After `.request`, handle `request`, then call again with the unconsumed rest.
    public func decode(_ bytes: UnsafeRawBufferPointer) -> Result {
        if let failure { return .failure(failure) }
        if complete { resetForNextRequest() }
        http_parser_pause(parser, 0)
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        let consumed = http_parser_execute(parser, requestParserCallbacks, base, bytes.count)
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
    public func finish() -> Result {
        if complete { resetForNextRequest() }
        return isMidRequest ? .failure(.malformed) : .needMore
    }

    private func resetForNextRequest() {
        complete = false
        continueRequested = false
        isMidRequest = false
        headerBytes = 0
        lastCallbackWasValue = false
        request.head.removeAll(keepingCapacity: true)
        request.headers.removeAll()
        request.body.removeAll(keepingCapacity: true)
        request.urlRange = 0..<0
    }

    // MARK: callbacks (return non-zero to stop the parser)

    func messageBegin() -> Int32 {
        isMidRequest = true
        return 0
    }

    func appendURL(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard countHeaderBytes(n) else { return 1 }
        let start = request.urlRange.isEmpty ? request.head.count : request.urlRange.lowerBound
        append(at, n)
        request.urlRange = start..<request.head.count
        return 0
    }

    func appendHeaderField(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard countHeaderBytes(n) else { return 1 }
        let start = request.head.count
        append(at, n)
        // A field after a value starts the next header; a field after a field is the same name in pieces.
        if lastCallbackWasValue || request.headers.count == 0 {
            request.headers.append(name: start..<request.head.count, value: request.head.count..<request.head.count)
        } else {
            request.headers.extendLastName(to: request.head.count)
        }
        lastCallbackWasValue = false
        return 0
    }

    func appendHeaderValue(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard countHeaderBytes(n) else { return 1 }
        guard request.headers.count > 0 else { return 1 }  // a value before any name is malformed
        let start = request.head.count
        append(at, n)
        if lastCallbackWasValue {
            request.headers.extendLastValue(to: request.head.count)
        } else {
            request.headers.setLastValue(start..<request.head.count)
        }
        lastCallbackWasValue = true
        return 0
    }

    func headersComplete() -> Int32 {
        request.method = Self.method(parser.pointee.method)
        request.keepAlive = http_should_keep_alive(parser) != 0
        request.isHTTP10 = parser.pointee.http_major == 1 && parser.pointee.http_minor == 0
        let declaredLength = parser.pointee.content_length
        // ULLONG_MAX means "no Content-Length"; a declared body over the limit is refused before it is read.
        if declaredLength != UInt64.max && declaredLength > UInt64(maxBodyBytes) {
            failure = .bodyTooLarge
            return 1
        }
        if !request.isHTTP10, request.header("Expect", contains: "100-continue") {
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
        complete = true
        isMidRequest = false
        http_parser_pause(parser, 1)
        return 0
    }

    private func countHeaderBytes(_ n: Int) -> Bool {
        headerBytes += n
        if headerBytes > maxHeaderBytes {
            failure = .headersTooLarge
            return false
        }
        return true
    }

    private func append(_ at: UnsafePointer<CChar>?, _ n: Int) {
        at!.withMemoryRebound(to: UInt8.self, capacity: n) {
            request.head.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
        }
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
    public func releaseBuffers() {
        guard !isMidRequest else { return }
        request = Request()
    }
}
