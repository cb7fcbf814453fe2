import Glibc
import Testing
@testable import Server

/// LoopHandle: one close path for every handle kind, counted per kind, and a loop that closes clean.
@Suite(.serialized) struct LoopHandleTests {
    @Test func everyKindIsCountedWhileOpenAndBackToZeroAfterItsCloseCallback() throws {
        let loop = try makeTestLoop()
        var accepted: TCPStream?
        let listener = try TCPListener(loop: loop, host: "127.0.0.1", port: 0) { accepted = $0 }
        let timer = try LoopTimer(loop: loop)
        let mailbox = try LoopMailbox(loop: loop) { _ in }
        let signals = try SignalWatcher(loop: loop) { _ in }
        // The kernel completes the handshake from the backlog; the loop accepts on its first turn.
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        #expect(connectToLoopback(client, port: listener.port) == 0)
        timer.start(afterMs: 0, repeatMs: 5) {
            guard accepted != nil else { return }
            #expect(loop.openHandles(of: .stream) == 1)
            #expect(loop.openHandles(of: .listener) == 1)
            #expect(loop.openHandles(of: .timer) == 1)
            #expect(loop.openHandles(of: .mailbox) == 1)
            #expect(loop.openHandles(of: .signal) == 2)
            #expect(loop.openHandleCount == 6)
            accepted?.close()
            listener.close()
            mailbox.close()
            signals.close()
            timer.close()
            // Closing: still counted until libuv's close callback lets go.
            #expect(loop.openHandleCount == 6)
        }
        loop.run()
        #expect(accepted != nil)
        expectLoopClosesClean(loop)
    }

    @Test func closingTwiceClosesOnceAndAClosingTimerCannotBeRestarted() throws {
        let loop = try makeTestLoop()
        let timer = try LoopTimer(loop: loop)
        var fired = 0
        timer.close()
        timer.close()
        timer.start(afterMs: 0, repeatMs: 1) { fired += 1 }
        loop.run()
        #expect(fired == 0)
        #expect(loop.handleCounts.contains("timer 1/1"))
        expectLoopClosesClean(loop)
    }

    @Test func aTimerMayCloseItselfInItsOwnCallback() throws {
        let loop = try makeTestLoop()
        let timer = try LoopTimer(loop: loop)
        var fired = 0
        timer.start(afterMs: 0, repeatMs: 1) {
            fired += 1
            timer.close()
            timer.close()
        }
        loop.run()
        #expect(fired == 1)
        #expect(loop.handleCounts.contains("timer 1/1"))
        expectLoopClosesClean(loop)
    }

    @Test func aListenerThatFailsToBindLeavesNothingOpen() throws {
        let loop = try makeTestLoop()
        #expect(throws: UVError.self) { try TCPListener(loop: loop, host: "999.1.1.1", port: 0) { _ in } }
        let first = try TCPListener(loop: loop, host: "127.0.0.1", port: 0) { _ in }
        #expect(throws: UVError.self) { try TCPListener(loop: loop, host: "127.0.0.1", port: first.port) { _ in } }
        first.close()
        loop.run()
        #expect(loop.handleCounts.contains("listener 3/3"))
        expectLoopClosesClean(loop)
    }

    @Test func aLoopWithAHandleLeftOpenDoesNotCloseClean() throws {
        let loop = try makeTestLoop()
        let timer = try LoopTimer(loop: loop)
        #expect(loop.openHandleCount == 1)
        #expect(loop.close() != 0)  // UV_EBUSY: the check the helper relies on
        timer.close()
        loop.run()
        expectLoopClosesClean(loop)
    }
}

/// A blocking connect of a plain socket to 127.0.0.1:`port`; 0 or -1 as connect(2) returns.
func connectToLoopback(_ fd: Int32, port: Int) -> Int32 {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}
