import Glibc
@testable import Server
import Testing

@Suite(.serialized) struct IPv6ListenTests {
    @Test func servesOnTheIPv6Loopback() throws {
        TestProcess.setUp()
        var config = try ConfigLoader.load(arguments: ["--server.address=::1", "--server.port=0"])
        config.address = "::1"
        let running = try EurekaNode.startOnThread(config: config)
        defer { running.stop() }
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(running.port).bigEndian)
        address.sin6_addr = in6addr_loopback
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
        #expect(rc == 0)
        let request = Array("GET /eureka/status HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var reply = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            reply += chunk[..<n]
        }
        #expect(String(decoding: reply, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
    }

    @Test func aPortInUseFailsStartUpWithAnError() throws {
        let first = try TestNode()
        defer { first.stop() }
        var config = ServerConfig()
        config.address = "127.0.0.1"
        config.port = first.port
        #expect(throws: UVError.self) { try EurekaNode.startOnThread(config: config) }
    }
}
