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

        // The host's own work goes on after ours is gone (our exchange may take less than its 1 ms period).
        let deadline = Monotonic.micros() + 5_000_000
        while hostTicks.pointee < 2, Monotonic.micros() < deadline { uv_run(host, UV_RUN_ONCE) }
        #expect(hostTicks.pointee >= 2)
        uv_close(asHandle(hostTimer), nil)
        uv_run(host, UV_RUN_DEFAULT)
        #expect(uv_loop_close(host) == 0)
    }

    /// Attaches, serves one request from our HTTPClient to our HTTPServer, closes both, and drops every
    /// object of ours once the host has run our close callbacks.
    private func serveOneRequestAndDetach(from host: UnsafeMutablePointer<uv_loop_t>) throws {
        let loop = EventLoop(borrowing: host)
        #expect(loop.isOnLoopThread)  // attached on this thread, without run()
        var settings = HTTPServerSettings()
        settings.host = "127.0.0.1"
        settings.port = 0
        let server = try HTTPServer(loop: loop, settings: settings, responder: FixedResponder()) { Response.empty($0) }
        let client = HTTPClient(loop: loop, target: ClientTarget(host: "127.0.0.1", port: server.port), settings: HTTPClientSettings())
        var reply: (status: Int, body: String)?
        var stopped = false
        client.send(ClientRequest(method: .get, path: "/anything")) { result in
            reply = (try? result.get()).map { ($0.status, String(decoding: $0.body, as: UTF8.self)) }
            client.close { server.stop { stopped = true } }
        }
        let deadline = Monotonic.micros() + 5_000_000
        while !stopped || loop.openHandleCount > 0, Monotonic.micros() < deadline { uv_run(host, UV_RUN_ONCE) }
        #expect(reply?.status == 200 && reply?.body == "ok")
        #expect(stopped)
        #expect(loop.openHandleCount == 0, "left open: \(loop.handleCounts)")
    }
}

private final class FixedResponder: Responder {
    func respond(to request: Request) -> Reply {
        .now(Response(status: 200, contentType: .text, body: .bytes(Array("ok".utf8))))
    }
}
