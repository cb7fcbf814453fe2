/// The methods this server routes; everything else http_parser knows is `.other` (answered 405 or 404).
enum HTTPMethod: Sendable, Equatable {
    case get, head, post, put, delete, options, other

    var name: String {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .options: "OPTIONS"
        case .other: "OTHER"
        }
    }
}

/// One parsed request. The URL and header bytes sit in one array (`head`) and are addressed by ranges,
/// so decoding a request costs no allocation once the decoder's buffers have grown.
struct Request {
    var method: HTTPMethod = .get
    var head: [UInt8] = []
    var urlRange: Range<Int> = 0..<0
    var headers = HeaderFields()
    var body: [UInt8] = []
    /// From http_should_keep_alive: HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with keep-alive.
    var keepAlive = true
    var isHTTP10 = false
    /// Set by RequestDecoder between requests (and carried through its buffer pool): `head` still holds the
    /// previous request's bytes, to be overwritten by the next head in one call instead of emptied first (a
    /// `removeAll` is a `replaceSubrange`, ~80 Ir a heartbeat). Never set on a request handed to a responder.
    var headIsStale = false

    init() {}

    /// Builds a request from parts (tests and embedders); the decoder fills the fields in place instead.
    init(method: HTTPMethod, url: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        head = Array(url.utf8)
        urlRange = 0..<head.count
        for (name, value) in headers {
            let nameStart = head.count
            head.append(contentsOf: name.utf8)
            let valueStart = head.count
            head.append(contentsOf: value.utf8)
            self.headers.append(name: nameStart..<valueStart, value: valueStart..<head.count)
        }
        self.body = body
    }

    /// The URL bytes as sent: path plus optional `?query`.
    var url: ArraySlice<UInt8> { head[urlRange] }

    /// The value of the first header with this name (ASCII case-insensitive), as bytes.
    func header(_ name: StaticString) -> ArraySlice<UInt8>? {
        headers.value(named: name, in: head)
    }

    /// The value as a String (for the few headers that need one).
    func headerString(_ name: StaticString) -> String? {
        header(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the header's value contains `needle`, ASCII case-insensitive (Accept's `json` test, spec 1.3).
    func header(_ name: StaticString, contains needle: StaticString) -> Bool {
        guard let value = header(name) else { return false }
        return ASCII.contains(value, needle)
    }
}
