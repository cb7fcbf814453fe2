/// A request this node sends to a peer (replication batches, start-up fetches). The client adds `Host`,
/// `Content-Length` (when there is a body, or the method is POST or PUT) and `Authorization` (from the
/// peer URL's user info); every other header is the caller's.
struct ClientRequest: Sendable {
    var method: HTTPMethod
    /// The request target with its query. A path without a leading `/` is relative to the client's base
    /// path: `apps/ORDERS` on `http://peer:8761/eureka/` is sent as `/eureka/apps/ORDERS`.
    var path: String
    var headers: [(String, String)]
    var body: [UInt8]

    init(method: HTTPMethod, path: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// Whether it can go on the wire as given: a known method, and no CR, LF or space where they would
    /// split the request line or a header (paths carry instance ids that come from other clients).
    var isWellFormed: Bool {
        guard method != .other, !path.isEmpty, !path.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 32 }) else { return false }
        return headers.allSatisfy { name, value in
            !name.isEmpty && !name.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 58 || $0 == 32 })
                && !value.utf8.contains(where: { $0 == 13 || $0 == 10 })
        }
    }

    /// The bytes on the wire. `target` is the resolved path; `host` the Host header's value.
    func serialized(target: String, host: String, authorization: String?) -> [UInt8] {
        var head = "\(method.name) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == .post || method == .put { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }
}

/// A peer's reply: the status, the headers as received (addressed in `head`), and the body decoded:
/// de-chunked, and inflated when it came with `Content-Encoding: gzip`.
struct ClientResponse: Sendable {
    var status = 0
    /// The header names and values as received; `headers` holds their ranges.
    var head: [UInt8] = []
    var headers = HeaderFields()
    var body: [UInt8] = []
    /// Whether the connection may carry another request (HTTP/1.1 without `Connection: close`).
    var keepAlive = true

    init() {}

    /// The value of the first header with this name (ASCII case-insensitive), as bytes.
    func header(_ name: StaticString) -> ArraySlice<UInt8>? {
        headers.value(named: name, in: head)
    }

    func headerString(_ name: StaticString) -> String? {
        header(name).map { String(decoding: $0, as: UTF8.self) }
    }
}
