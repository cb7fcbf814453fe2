import CLibUV
import Glibc
import Testing
@testable import Server

/// A host that owns its uv_loop_t (h2o's simple.c shape): our handles live beside the host's own, the host
/// runs the loop, and once ours are closed the host's uv_loop_close still returns 0.
@Suite(.serialized) struct BorrowedLoopTests {
    @Test func aHostLoopRunsItsOwnTimerBesideOurServerAndClosesCleanAfterUs() throws {
        signal(SIGPIPE, SIG_IGN)  // as the server's main.swift does: the library leaves it to the host
        let host = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
        let hostTimer = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
        let hostTicks = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        defer {
            host.deallocate()
            hostTimer.deallocate()
            hostTicks.deallocate()
        }
        hostTicks.pointee = 0
        #expect(uv_loop_init(host) == 0)
        #expect(uv_timer_init(host, hostTimer) == 0)
        uv_handle_set_data(asHandle(hostTimer), UnsafeMutableRawPointer(hostTicks))
        // The host's timer also keeps UV_RUN_ONCE from sleeping long while we wait for a socket.
        uv_timer_start(hostTimer, { t in
            uv_handle_get_data(asHandle(t!))!.assumingMemoryBound(to: Int.self).pointee += 1
        }, 1, 1)

        try serveOneRequestAndDetach(from: host)

        #expect(hostTicks.pointee > 0)
        uv_close(asHandle(hostTimer), nil)
        uv_run(host, UV_RUN_DEFAULT)
        #expect(uv_loop_close(host) == 0)
    }

    /// Attaches, serves one request through an HTTPServer, stops it, and drops every object of ours
    /// once the host has run our close callbacks.
    private func serveOneRequestAndDetach(from host: UnsafeMutablePointer<uv_loop_t>) throws {
        let loop = EventLoop(borrowing: host)
        #expect(loop.isOnLoopThread)  // attached on this thread, without run()
        var settings = HTTPServerSettings()
        settings.host = "127.0.0.1"
        settings.port = 0
        let server = try HTTPServer(loop: loop, settings: settings, responder: FixedResponder()) { Response.empty($0) }
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(connectToLoopback(client, port: server.port) == 0)
        let request = Array("GET /anything HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)
        #expect(request.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == request.count)

        var reply: [UInt8] = []
        var ended = false
        let deadline = Monotonic.micros() + 5_000_000
        while !ended, Monotonic.micros() < deadline {
            uv_run(host, UV_RUN_ONCE)
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { reply += chunk[..<n] } else if n == 0 { ended = true }
        }
        close(client)  // the server's lingering side sees EOF and closes: nothing waits for the grace period
        #expect(ended)
        #expect(String(decoding: reply, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))

        var stopped = false
        server.stop { stopped = true }
        while loop.openHandleCount > 0, Monotonic.micros() < deadline { uv_run(host, UV_RUN_ONCE) }
        #expect(stopped)
        #expect(loop.openHandleCount == 0, "left open: \(loop.handleCounts)")
    }
}

private final class FixedResponder: Responder {
    func respond(to request: Request) -> Reply {
        .now(Response(status: 200, contentType: .text, body: .bytes(Array("ok".utf8))))
    }
}

/// A blocking connect of a plain socket to 127.0.0.1:`port`; 0 or -1 as connect(2) returns.
private func connectToLoopback(_ fd: Int32, port: Int) -> Int32 {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}
