import Glibc
@testable import Server

/// A blocking change-stream client over a raw socket: sends the request, reads the head, then decodes the chunked
/// body into server-sent events (comments are counted apart). Receive timeout as RawClient's.
final class SSEClient {
    struct Event: Equatable {
        var name: String
        var id: UInt64
        var data: String
    }

    enum Failure: Error { case closed, timeout, malformed(String) }

    let fd: Int32
    private var buffer: [UInt8] = []
    /// Decoded body bytes not yet split into events.
    private var body: [UInt8] = []
    private(set) var status = 0
    private(set) var headers: [(String, String)] = []
    private(set) var comments = 0
    private(set) var ended = false

    /// `receiveBuffer`: SO_RCVBUF set before connecting (a slow reader's small window).
    init(port: Int, path: String, headers extra: [String] = [], timeoutSeconds: Int = 10, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw Failure.closed
        }
        let request = "GET \(path) HTTP/1.1\r\nHost: x\r\n" + extra.map { $0 + "\r\n" }.joined() + "\r\n"
        _ = Array(request.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    deinit { close(fd) }

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

    /// Reads the status line and headers.
    func readHead() throws {
        let end = try fill { self.find([13, 10, 13, 10], in: self.buffer) }
        let text = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        var lines = text.split(separator: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let code = Int(statusLine[1]) else { throw Failure.malformed(text) }
        status = code
        headers = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop(while: { $0 == " " })))
        }
    }

    /// The next event (comments skipped and counted); throws `closed` at the end of the stream.
    func nextEvent() throws -> Event {
        while true {
            if let end = find([10, 10], in: body) {
                let block = String(decoding: body[..<end], as: UTF8.self)
                body.removeFirst(end + 2)
                var event = Event(name: "message", id: 0, data: "")
                var isComment = true
                for line in block.split(separator: "\n") {
                    if line.hasPrefix(":") { continue }
                    isComment = false
                    if line.hasPrefix("event: ") { event.name = String(line.dropFirst(7)) }
                    if line.hasPrefix("id: ") { event.id = UInt64(line.dropFirst(4)) ?? 0 }
                    if line.hasPrefix("data: ") { event.data = String(line.dropFirst(6)) }
                }
                if isComment { comments += 1; continue }
                return event
            }
            try readChunk()
        }
    }

    /// Events until none arrives within `quietMs` (the socket's timeout is lowered meanwhile).
    func events(quietMs: Int) -> [Event] {
        var timeout = timeval(tv_sec: quietMs / 1000, tv_usec: Int((quietMs % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var result: [Event] = []
        while let event = try? nextEvent() { result.append(event) }
        return result
    }

    /// True when the server closed the connection within the timeout.
    func readsEOF() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    private func readChunk() throws {
        let lineEnd = try fill { self.find([13, 10], in: self.buffer) }
        guard let size = Int(String(decoding: buffer[..<lineEnd], as: UTF8.self), radix: 16) else {
            throw Failure.malformed(String(decoding: buffer.prefix(40), as: UTF8.self))
        }
        buffer.removeFirst(lineEnd + 2)
        if size == 0 {
            ended = true
            throw Failure.closed
        }
        _ = try fill { self.buffer.count >= size + 2 ? size : nil }
        body += buffer[..<size]
        buffer.removeFirst(size + 2)
    }

    private func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? { SocketReading.find(pattern, in: bytes) }

    private func fill(until done: () -> Int?) throws -> Int {
        do {
            return try SocketReading.fill(fd, until: done) { self.buffer.append(contentsOf: $0) }
        } catch {
            throw error == .timeout ? Failure.timeout : Failure.closed
        }
    }
}
