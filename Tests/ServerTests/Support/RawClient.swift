import Glibc
import Testing
@testable import Server

/// A blocking TCP client over POSIX sockets with a receive timeout: drives the server byte for byte,
/// including the hostile cases a real HTTP client library would refuse to produce.
final class RawClient {
    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum ClientError: Error { case connect(Int32), closed, timeout, malformed(String) }

    let fd: Int32
    private var buffer: [UInt8] = []

    /// Sanitizer runs are several times slower (scripts/sanitize.sh sets the scale): a slow reply is not a lost one.
    static let timeoutScale = max(1, getenv("EUREKA_TEST_TIMEOUT_SCALE").flatMap { Int(String(cString: $0)) } ?? 1)

    init(port: Int, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: timeoutSeconds * Self.timeoutScale, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            let error = errno
            close(fd)
            throw ClientError.connect(error)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// One request on this connection and its reply; `Content-Length` is added when a body is given.
    func request(method: String = "GET", path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: test\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        send(Array((head + "\r\n").utf8) + (body ?? []))
        return try readReply(headOnly: method == "HEAD")
    }

    /// Closes our sending side only (FIN), keeps reading.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads one response. `headOnly`: a HEAD answer has no body whatever Content-Length says.
    func readReply(headOnly: Bool = false) throws -> Reply {
        let headEnd = try fill(until: { self.find([13, 10, 13, 10]) })
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError.malformed(headText) }
        let headers: [(String, String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop(while: { $0 == " " })))
        }
        var reply = Reply(status: status, headers: headers, body: [])
        if status == 100 || headOnly { return reply }
        let length = Int(reply.header("Content-Length") ?? "0") ?? 0
        _ = try fill(until: { self.buffer.count >= length ? length : nil })
        reply.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return reply
    }

    /// True when the server closed the connection (EOF) within the timeout.
    func readsEOF() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    private func find(_ pattern: [UInt8]) -> Int? { SocketReading.find(pattern, in: buffer) }

    private func fill(until done: () -> Int?) throws -> Int {
        do {
            return try SocketReading.fill(fd, until: done) { self.buffer.append(contentsOf: $0) }
        } catch {
            throw error == .timeout ? ClientError.timeout : ClientError.closed
        }
    }
}

/// A node on 127.0.0.1, ephemeral port, on its own thread, stopped at the end of the test.
final class TestNode {
    let running: RunningNode
    var port: Int { running.port }

    init(_ settings: [String] = []) throws {
        TestProcess.setUp()
        // Info lines (every registration) would flood the test output; warnings still show. A test may override.
        var config = try ConfigLoader.load(arguments: ["--server.address=127.0.0.1", "--server.port=0", "--logging.level.root=warn"]
                                                      + settings)
        config.address = "127.0.0.1"
        running = try EurekaNode.startOnThread(config: config)
    }

    func client() throws -> RawClient { try RawClient(port: port) }

    var connectionCount: Int { running.sync { $0.connectionCount } }

    /// Polls a condition on the loop thread until it holds or the deadline passes (no fixed sleeps). The deadline
    /// grows with the sanitizer runs' timeout scale, as the clients' reply timeouts do.
    func eventually(timeoutMs: Int = 5_000, _ condition: @escaping @Sendable (EurekaNode) -> Bool) -> Bool {
        let timeoutMs = timeoutMs * RawClient.timeoutScale
        var waited = 0
        while waited < timeoutMs {
            if running.sync(condition) { return true }
            usleep(10_000)
            waited += 10
        }
        return running.sync(condition)
    }

    /// Stops the node; its loop must end with every handle closed and uv_loop_close returning 0.
    func stop(sourceLocation: SourceLocation = #_sourceLocation) {
        let ending = running.stop()
        #expect(ending.openHandles == 0, "handles left open by the node", sourceLocation: sourceLocation)
        #expect(ending.loopClose == 0, "uv_loop_close", sourceLocation: sourceLocation)
    }
}
