import CHTTPParser

/// Why a peer's reply could not be decoded.
enum ResponseDecodeFailure: Error, Equatable, Sendable {
    /// Not HTTP, an unexpected protocol switch, or a body that does not inflate.
    case malformed
    /// The head, the body or the inflated body is over its limit.
    case tooLarge
    /// The peer closed before the response was complete.
    case truncated
}

/// http_parser in response mode, for peers' replies: bytes in, one complete ClientResponse at a time out.
/// Replies are rare next to requests, so the callbacks simply append what they get (no range recording as
/// in RequestDecoder). http_parser's quirks handled here:
/// - a reply to HEAD, and 1xx/204/304, has no body whatever its headers announce; http_parser would wait for
///   a 304's announced length, so `on_headers_complete` returns 1 (skip the body) for all of them;
/// - 1xx replies are interim: dropped, and the final reply that follows is decoded;
/// - a body without length or chunking runs to EOF: `finish()` feeds length 0, which completes it.
final class ResponseDecoder {
    enum Result: Equatable {
        /// `response` holds a complete reply; `consumed` bytes of the input belong to it.
        case response(consumed: Int)
        /// All input consumed; the reply is not complete yet.
        case needMore
        case failure(ResponseDecodeFailure)
    }

    private let parser = UnsafeMutablePointer<http_parser>.allocate(capacity: 1)
    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int
    /// The reply being filled, complete once `decode` returned `.response`.
    private(set) var response = ClientResponse()
    /// Set by the client before it sends a HEAD request: the reply has headers only.
    var expectsHeadersOnly = false
    /// A byte of the current reply has been parsed.
    private(set) var isMidResponse = false
    private var headerState = HeaderAccumulation.noHeader
    private var headerBytes = 0
    private var complete = false
    private var failure: ResponseDecodeFailure?

    init(maxHeaderBytes: Int = 64 * 1024, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        http_parser_init(parser, HTTP_RESPONSE)
        parser.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit { parser.deallocate() }

    /// Feeds bytes. After `.response`, take `response`, then call again with the unconsumed rest.
    func decode(_ bytes: UnsafeRawBufferPointer) -> Result {
        if let failure { return .failure(failure) }
        if complete { resetForNextResponse() }
        guard !bytes.isEmpty else { return .needMore }  // length 0 would tell http_parser the peer closed
        return execute(bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
    }

    /// Hands the complete reply over (after `.response`), so the decoder keeps no reference to its body:
    /// an idle connection must not pin a large reply in memory.
    func takeResponse() -> ClientResponse {
        defer { response = ClientResponse() }
        return response
    }

    /// The peer closed. Completes a body that runs to EOF; a reply cut off elsewhere is `.truncated`;
    /// with nothing begun the result is `.needMore` (a clean close between replies).
    func finish() -> Result {
        if let failure { return .failure(failure) }
        if complete { resetForNextResponse() }
        guard isMidResponse else { return .needMore }
        let result = execute(nil, 0)
        if case .response = result { return result }
        // Cut off in the head or before the announced length: http_parser says HPE_INVALID_EOF_STATE.
        if failure == nil || parser.pointee.http_errno == HPE_INVALID_EOF_STATE.rawValue { failure = .truncated }
        return .failure(failure!)
    }

    private func execute(_ base: UnsafePointer<CChar>?, _ count: Int) -> Result {
        http_parser_pause(parser, 0)
        let consumed = http_parser_execute(parser, responseParserCallbacks, base, count)
        if let failure { return .failure(failure) }
        if complete { return .response(consumed: consumed) }
        let errno = parser.pointee.http_errno
        if errno != HPE_OK.rawValue && errno != HPE_PAUSED.rawValue {
            failure = .malformed
            return .failure(.malformed)
        }
        return .needMore
    }

    private func resetForNextResponse() {
        complete = false
        isMidResponse = false
        headerBytes = 0
        headerState = .noHeader
        response = ClientResponse()
    }

    // MARK: callbacks (return non-zero to stop the parser)

    func messageBegin() -> Int32 {
        isMidResponse = true
        return 0
    }

    func appendHeaderField(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard let range = appendToHead(at, n) else { return 1 }
        headerState.addName(range, to: &response.headers)
        return 0
    }

    func appendHeaderValue(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        guard let range = appendToHead(at, n), headerState.addValue(range, to: &response.headers) else { return 1 }
        return 0
    }

    /// Copies a header piece; nil (and the failure set) past the header limit.
    private func appendToHead(_ at: UnsafePointer<CChar>?, _ n: Int) -> Range<Int>? {
        headerBytes += n
        guard headerBytes <= maxHeaderBytes else {
            failure = .tooLarge
            return nil
        }
        let start = response.head.count
        at!.withMemoryRebound(to: UInt8.self, capacity: n) { response.head.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
        return start..<response.head.count
    }

    func headersComplete() -> Int32 {
        let status = Int(parser.pointee.status_code)
        response.status = status
        if status == 101 {
            failure = .malformed  // nobody asked to switch protocols
            return -1
        }
        if expectsHeadersOnly || status / 100 == 1 || status == 204 || status == 304 { return 1 }
        let declaredLength = parser.pointee.content_length
        // ULLONG_MAX means "no Content-Length"; a declared body over the limit is refused before it is read.
        if declaredLength != UInt64.max && declaredLength > UInt64(maxBodyBytes) {
            failure = .tooLarge
            return -1
        }
        return 0
    }

    func appendBody(_ at: UnsafePointer<CChar>?, _ n: Int) -> Int32 {
        if response.body.count + n > maxBodyBytes {
            failure = .tooLarge
            return 1
        }
        at!.withMemoryRebound(to: UInt8.self, capacity: n) { response.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
        return 0
    }

    func messageComplete() -> Int32 {
        if response.status / 100 == 1 {
            resetForNextResponse()  // interim: the final reply follows on the same parser
            return 0
        }
        response.keepAlive = http_should_keep_alive(parser) != 0
        if let failure = decodeContent() {
            self.failure = failure
            return 1
        }
        complete = true
        isMidResponse = false
        http_parser_pause(parser, 1)
        return 0
    }

    /// Inflates a gzip or deflate body in place, within the body limit.
    private func decodeContent() -> ResponseDecodeFailure? {
        guard let coding = response.header("Content-Encoding"), !response.body.isEmpty else { return nil }
        if ASCII.equalsIgnoringCase(coding, "identity") { return nil }
        guard ASCII.equalsIgnoringCase(coding, "gzip") || ASCII.equalsIgnoringCase(coding, "x-gzip")
            || ASCII.equalsIgnoringCase(coding, "deflate") else { return .malformed }
        switch Gzip.inflate(response.body, limit: maxBodyBytes) {  // detects the gzip or zlib wrapper
        case .bytes(let inflated): response.body = inflated
        case .tooLarge: return .tooLarge
        case .invalid: return .malformed
        }
        return nil
    }
}
