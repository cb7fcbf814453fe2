import Glibc
import Testing
@testable import Server

/// TCPStream.write(reference:): small shared bytes go out at once while nothing is queued; once the socket is
/// full, the unsent remainder is queued by reference, later writes queue behind it, and the reader receives every
/// byte in order.
@Suite(.serialized) struct ImmediateWriteTests {
    /// Event `i`: 1,000 bytes of one value that names it, so any loss, duplicate or reordering shows.
    static func event(_ i: Int) -> SharedBytes { SharedBytes([UInt8](repeating: UInt8(i % 251), count: 1_000)) }

    @Test func theRemainderIsQueuedAndEverythingArrivesInOrder() throws {
        let loop = try makeTestLoop()
        var accepted: TCPStream?
        let listener = try TCPListener(loop: loop, host: "127.0.0.1", port: 0) { accepted = $0 }
        // A small receive window that is not read at first: the server's socket fills after a few tens of KB.
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var window: Int32 = 4_096
        setsockopt(client, SOL_SOCKET, SO_RCVBUF, &window, socklen_t(MemoryLayout<Int32>.size))
        #expect(connectToLoopback(client, port: listener.port) == 0)
        _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)

        var sent = 0, immediate = 0, firstQueued: Int?
        var expected: [UInt8] = []
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let timer = try LoopTimer(loop: loop)
        let deadline = loop.nowMillis + 10_000
        timer.start(afterMs: 0, repeatMs: 1) {
            guard let stream = accepted else { return }
            if firstQueued == nil {
                // Bounded: 10,000 events (10 MB) at most; the kernel refuses some past its send buffer (4 MB at most here).
                while sent < 10_000, stream.unsentBytes == 0 {
                    let event = Self.event(sent)
                    stream.write(reference: event.raw, owner: event)
                    expected += event.bytes
                    sent += 1
                }
                immediate = stream.immediateWrites
                firstQueued = sent - 1
                for _ in 0..<20 {  // queued behind the remainder, by reference, in order
                    let event = Self.event(sent)
                    stream.write(reference: event.raw, owner: event)
                    expected += event.bytes
                    sent += 1
                }
                #expect(stream.immediateWrites == immediate)  // nothing jumps the queue
                return
            }
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += buffer[0..<n] }
            if received.count >= expected.count || loop.nowMillis > deadline {
                stream.close()
                listener.close()
                timer.close()
            }
        }
        loop.run()
        let queuedAt = try #require(firstQueued)
        #expect(immediate > 0)
        #expect(immediate == queuedAt)  // every event before the first refused one went out at once
        #expect(queuedAt < 10_000)
        #expect(received.count == expected.count)
        #expect(received == expected)
        expectLoopClosesClean(loop)
    }

    @Test func largeBytesTakeTheQueuedPath() throws {
        let loop = try makeTestLoop()
        var accepted: TCPStream?
        let listener = try TCPListener(loop: loop, host: "127.0.0.1", port: 0) { accepted = $0 }
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        #expect(connectToLoopback(client, port: listener.port) == 0)
        let large = SharedBytes([UInt8](repeating: 7, count: TCPStream.maxImmediateBytes + 1))
        var immediate = -1
        let timer = try LoopTimer(loop: loop)
        timer.start(afterMs: 0, repeatMs: 1) {
            guard let stream = accepted else { return }
            stream.write(reference: large.raw, owner: large)
            immediate = stream.immediateWrites
            stream.close()
            listener.close()
            timer.close()
        }
        loop.run()
        #expect(immediate == 0)
        expectLoopClosesClean(loop)
    }
}
