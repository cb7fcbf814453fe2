import Glibc

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks: a scripted peer listens on it, a test that needs a
/// port free for a child process closes it again.
enum LoopbackSocket {
    /// The socket and its port; the caller owns the descriptor.
    static func bound() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            let error = errno
            close(fd)
            throw RawClient.ClientError.connect(error)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A port nothing listens on now: bound, read back, released (a child process binds it next).
    static func freePort() throws -> Int {
        let (fd, port) = try bound()
        close(fd)
        return port
    }
}
