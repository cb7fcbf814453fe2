import Glibc
import Synchronization
@testable import Server

/// A peer for client tests: a listening socket on 127.0.0.1 (ephemeral port) served by a plain-socket thread
/// of its own, acting out one script per accepted connection, in order. Connections beyond the scripts are
/// closed at once. Only Sendable things cross to the test's loop thread: the port and the recorded state.
final class ScriptedPeer: Sendable {
    enum Step: Sendable {
        /// Reads one request (head, then a Content-Length body) and records its head.
        case readRequest
        case write([UInt8])
        /// Closes with SO_LINGER 0: the client gets RST, not FIN.
        case reset
        /// Closes normally (FIN).
        case close
        /// Keeps the connection open, unanswered, until the peer stops.
        case hold
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex<(accepted: Int, requests: [String], held: [Int32], stopping: Bool)>((0, [], [], false))
    private let thread = Mutex<pthread_t?>(nil)

    init(_ scripts: [[Step]]) throws {
        TestProcess.setUp()
        let (listener, port) = try LoopbackSocket.bound()
        self.listener = listener
        guard listen(listener, 16) == 0 else {
            let error = errno
            Glibc.close(listener)
            throw RawClient.ClientError.connect(error)
        }
        self.port = port
        let box = Unmanaged.passRetained(Job(peer: self, scripts: scripts)).toOpaque()
        var thread = pthread_t()
        precondition(pthread_create(&thread, nil, { raw in
            Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box) == 0)
        self.thread.withLock { $0 = thread }
    }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }
    /// The heads of the requests read so far, in order.
    var requests: [String] { state.withLock { $0.requests } }

    /// Stops accepting, closes held connections and joins the thread.
    func stop() {
        state.withLock { $0.stopping = true }
        if let thread = thread.withLock({ $0 }) { pthread_join(thread, nil) }
        thread.withLock { $0 = nil }
        for fd in state.withLock({ $0.held }) { Glibc.close(fd) }
        Glibc.close(listener)
    }

    private final class Job: @unchecked Sendable {  // handed to the peer's thread once, used only there
        let peer: ScriptedPeer
        var scripts: [[Step]]
        init(peer: ScriptedPeer, scripts: [[Step]]) {
            self.peer = peer
            self.scripts = scripts
        }

        func run() {
            while !peer.state.withLock({ $0.stopping }) {
                var poller = pollfd(fd: peer.listener, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 20) > 0 else { continue }
                let fd = accept(peer.listener, nil, nil)
                guard fd >= 0 else { continue }
                peer.state.withLock { $0.accepted += 1 }
                var timeout = timeval(tv_sec: 5, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                act(scripts.isEmpty ? [.close] : scripts.removeFirst(), on: fd)
            }
        }

        private func act(_ script: [Step], on fd: Int32) {
            for step in script {
                switch step {
                case .readRequest:
                    guard let head = readRequest(fd) else { Glibc.close(fd); return }
                    peer.state.withLock { $0.requests.append(head) }
                case .write(let bytes):
                    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                case .reset:
                    var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                    setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                    Glibc.close(fd)
                    return
                case .close:
                    Glibc.close(fd)
                    return
                case .hold:
                    peer.state.withLock { $0.held.append(fd) }
                    return
                }
            }
            peer.state.withLock { $0.held.append(fd) }  // a script that ends without closing keeps the connection
        }

        /// The head as text; the body is read and dropped. nil on EOF or timeout.
        private func readRequest(_ fd: Int32) -> String? {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1)
            while !bytes.ends(with: [13, 10, 13, 10]) {
                guard chunk.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, 1, 0) }) == 1 else { return nil }
                bytes.append(chunk[0])
            }
            let head = String(decoding: bytes, as: UTF8.self)
            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: " ")) } ?? 0
            var body = [UInt8](repeating: 0, count: 65_536)
            var remaining = length
            while remaining > 0 {
                let n = body.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min(remaining, $0.count), 0) }
                guard n > 0 else { return nil }
                remaining -= n
            }
            return head
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return text
    }
}
