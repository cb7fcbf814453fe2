import CLibUV
import Glibc

/// Binds and listens on one address; hands each accepted socket to `onAccept` as a TCPStream.
/// Closed through LoopHandle.
final class TCPListener: LoopHandle {
    private let onAccept: (TCPStream) -> Void
    /// The port actually bound (differs from the requested one when that was 0).
    private(set) var port: Int = 0

    /// `host` is an IPv4 or IPv6 literal ("0.0.0.0", "::", "127.0.0.1", "::1").
    init(loop: EventLoop, host: String, port: Int, backlog: Int32 = 1024,
         onAccept: @escaping (TCPStream) -> Void) throws(UVError) {
        self.onAccept = onAccept
        try super.init(loop: loop, kind: .listener, uv_tcp_t.self) { uv_tcp_init(loop.raw, $0) }
        do throws(UVError) {
            var storage = sockaddr_storage()
            try withUnsafeMutablePointer(to: &storage) { p throws(UVError) in
                let address = UnsafeMutableRawPointer(p)
                if host.contains(":") {
                    try UVError.check(uv_ip6_addr(host, Int32(port), address.assumingMemoryBound(to: sockaddr_in6.self)))
                } else {
                    try UVError.check(uv_ip4_addr(host, Int32(port), address.assumingMemoryBound(to: sockaddr_in.self)))
                }
                // libuv sets SO_REUSEADDR on bind, so a restarted node binds while old connections close (spec 1.8).
                try UVError.check(uv_tcp_bind(tcp, address.assumingMemoryBound(to: sockaddr.self), 0))
            }
            try UVError.check(uv_listen(asStream(tcp), backlog) { server, status in
                guard status >= 0 else { return }
                let listener = owner(of: server, as: TCPListener.self)
                if listener.loop.isProfiling, let profile = listener.loop.profile {
                    profile.measure("accept") { listener.acceptOne() }
                } else {
                    listener.acceptOne()
                }
            })
            self.port = boundPort()
        } catch {
            close()
            throw error
        }
    }

    private var tcp: UnsafeMutablePointer<uv_tcp_t> { raw(as: uv_tcp_t.self) }

    private func acceptOne() {
        // uv_tcp_init without a domain creates no socket and cannot fail in practice. Were it to, the
        // connection stays pending in libuv, which stops polling the listener until something accepts it.
        guard let stream = try? TCPStream(loop: loop) else { return }
        if uv_accept(asStream(tcp), asStream(stream.tcp)) == 0 {
            uv_tcp_nodelay(stream.tcp, 1)
            onAccept(stream)
        } else {
            stream.close()
        }
    }

    private func boundPort() -> Int {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &storage) { p in
            _ = p.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_getsockname(tcp, $0, &length) }
            if Int32(p.pointee.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }
}
