import Glibc
@testable import Server

/// A client that asks for a lot and never reads: its receive buffer is set small before connecting (so the
/// kernel cannot absorb the answers) and it pipelines `count` requests at once. Closed on deinit.
final class StuckReader {
    let fd: Int32

    init(port: Int, request: String, count: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var small: Int32 = 4_096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw RawClient.ClientError.connect(errno)
        }
        let bytes = Array(String(repeating: request, count: count).utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { break }
            offset += n
        }
    }

    deinit { close(fd) }

    static let fullFetch = "GET /eureka/apps/ HTTP/1.1\r\nHost: t\r\nAccept: application/json\r\n\r\n"
    static let appFetch = "GET /eureka/apps/ORDERS HTTP/1.1\r\nHost: t\r\nAccept: application/json\r\n\r\n"
}

extension TestNode {
    /// Registers `count` instances straight into the registry, on the loop: a registry of megabytes in a second.
    func registerInProcess(_ count: Int) {
        running.sync { node in
            for n in 0..<count {
                _ = node.registry.register(instance("bulk-\(n)", app: "BULK"), leaseDurationSecs: 90, isReplication: false)
            }
        }
    }

    /// Registers `count` instances, so the registry documents are large enough to go by reference.
    func registerMany(_ count: Int) throws {
        for n in 1...count { _ = try register(.orders(n)) }
    }
}
