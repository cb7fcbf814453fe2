import CLibUV
import Glibc

/// Why an outgoing connection was not made.
enum ConnectFailure: Error, Equatable {
    /// The name did not resolve (uv_getaddrinfo's UV_EAI_* code).
    case resolveFailed(UVError)
    /// Every address refused (nobody listens there).
    case refused
    /// The deadline passed first (resolution and every attempt together), or the kernel gave up.
    case connectTimeout
    /// Anything else the last attempt reported (unreachable network or host, no addresses...).
    case other(UVError)
}

/// One outgoing TCP connection. The name resolves on libuv's pool (uv_getaddrinfo), so a slow DNS server
/// never blocks the loop; the addresses are tried in the resolver's order, the next after a failure; one
/// deadline covers resolution and every attempt. The result comes once, always on a later loop turn than
/// `start`, and never after `cancel()`: a connected TCPStream (no delegate, not reading) or a ConnectFailure.
/// Each libuv request holds a +1 on the connector until its callback, which libuv always makes (with
/// UV_ECANCELED after a cancel or a close), so the connector outlives every request it made.
final class TCPConnector {
    private unowned(unsafe) let loop: EventLoop  // outlives its handles and their requests
    private let deadline: LoopTimer
    private var completion: ((Result<TCPStream, ConnectFailure>) -> Void)?
    private var resolving: UnsafeMutablePointer<uv_getaddrinfo_t>?
    private var addresses: [sockaddr_storage] = []
    private var nextAddress = 0
    /// The stream of the attempt in progress; handed over on success, closed otherwise.
    private var attempt: TCPStream?
    private var lastFailure = ConnectFailure.other(UVError(code: UV_EAI_NONAME.rawValue))
    private(set) var isFinished = false

    init(loop: EventLoop) throws(UVError) {
        self.loop = loop
        deadline = try LoopTimer(loop: loop)
    }

    /// Dropped before it finished (no request in flight holds it): its deadline must not fire.
    deinit { deadline.close() }

    /// Starts resolving `host` (a name or an address literal) and connecting to `port`.
    func start(host: String, port: Int, timeoutMs: UInt64,
               completion: @escaping (Result<TCPStream, ConnectFailure>) -> Void) {
        precondition(self.completion == nil && !isFinished, "a TCPConnector connects once")
        self.completion = completion
        deadline.start(afterMs: timeoutMs, repeatMs: 0) { [unowned self] in finish(.failure(.connectTimeout)) }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        let request = UnsafeMutablePointer<uv_getaddrinfo_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        let rc = uv_getaddrinfo(loop.raw, request, { request, status, result in
            let connector = Unmanaged<TCPConnector>.fromOpaque(request!.pointee.data).takeRetainedValue()
            request!.deallocate()
            connector.resolving = nil
            let loop: EventLoop = connector.loop  // held to the end: the idle action may drop every other reference
            withExtendedLifetime(loop) {
                connector.resolved(status: status, result)
                loop.requestFinished()
            }
        }, host, String(port), &hints)  // libuv copies the strings and the hints
        if rc < 0 {
            // No callback will come; report on the next turn so the caller is never re-entered.
            Unmanaged.passUnretained(self).release()
            request.deallocate()
            deadline.start(afterMs: 0, repeatMs: 0) { [unowned self] in finish(.failure(.resolveFailed(UVError(code: rc)))) }
        } else {
            resolving = request
            loop.requestStarted()  // a stopping node waits for the lookup's callback, which reaches this object
        }
    }

    /// Abandons the attempt: the completion is not called, the stream of an attempt in progress closes.
    func cancel() {
        guard !isFinished else { return }
        isFinished = true
        completion = nil
        abandon()
    }

    private func resolved(status: Int32, _ result: UnsafeMutablePointer<addrinfo>?) {
        defer { if let result { uv_freeaddrinfo(result) } }
        guard !isFinished else { return }
        guard status >= 0 else {
            finish(.failure(.resolveFailed(UVError(code: status))))
            return
        }
        var entry = result
        while let info = entry {
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { _ = memcpy($0.baseAddress!, info.pointee.ai_addr, Int(info.pointee.ai_addrlen)) }
            addresses.append(storage)
            entry = info.pointee.ai_next
        }
        connectNext()
    }

    /// Tries the next address; after the last one, reports the last failure.
    private func connectNext() {
        while nextAddress < addresses.count {
            let stream: TCPStream
            do { stream = try TCPStream(loop: loop) } catch {
                finish(.failure(.other(error)))
                return
            }
            let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
            request.pointee.data = Unmanaged.passRetained(self).toOpaque()
            let rc = withUnsafePointer(to: &addresses[nextAddress]) { address in
                address.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    uv_tcp_connect(request, stream.tcp, address) { request, status in
                        let connector = Unmanaged<TCPConnector>.fromOpaque(request!.pointee.data).takeRetainedValue()
                        request!.deallocate()
                        connector.connected(status: status)
                    }
                }
            }
            nextAddress += 1
            if rc >= 0 {
                attempt = stream
                return
            }
            Unmanaged.passUnretained(self).release()  // refused at once: no callback will come
            request.deallocate()
            stream.close()
            lastFailure = Self.classify(rc)
        }
        finish(.failure(lastFailure))
    }

    private func connected(status: Int32) {
        guard !isFinished else { return }  // timed out or cancelled: the stream is already closing
        if status >= 0, let stream = attempt {
            attempt = nil
            uv_tcp_nodelay(stream.tcp, 1)
            finish(.success(stream))
        } else {
            attempt?.close()
            attempt = nil
            lastFailure = Self.classify(status)
            connectNext()
        }
    }

    private func finish(_ result: Result<TCPStream, ConnectFailure>) {
        guard !isFinished else { return }
        isFinished = true
        abandon()
        let completion = self.completion
        self.completion = nil
        completion?(result)
    }

    /// Stops whatever is still in progress; the callbacks then find `isFinished` and only let go.
    private func abandon() {
        deadline.close()
        if let resolving { uv_cancel(UnsafeMutablePointer<uv_req_t>(OpaquePointer(resolving))) }  // fails once running: fine
        attempt?.close()  // its connect request calls back with UV_ECANCELED
        attempt = nil
    }

    private static func classify(_ status: Int32) -> ConnectFailure {
        switch status {
        case UV_ECONNREFUSED.rawValue: .refused
        case UV_ETIMEDOUT.rawValue: .connectTimeout
        default: .other(UVError(code: status))
        }
    }
}
