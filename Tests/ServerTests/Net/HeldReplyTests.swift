import Foundation
import Glibc
@testable import Server
import Testing

/// A responder that holds the answer to `GET /hold` until the test releases it and answers everything else at
/// once: the shape of a full-registry read whose payload is being built off the loop.
private final class HoldingResponder: Responder {
    var held: PendingReply?
    func respond(to request: Request) -> Reply {
        guard request.url.elementsEqual("/hold".utf8) else { return .now(.empty(200)) }
        let reply = PendingReply()
        held = reply
        return .later(reply)
    }
}

/// An HTTPServer with the holding responder on a loop of its own thread.
private final class HeldReplyServer: @unchecked Sendable {  // fields are written before `ready` is signalled
    private(set) var port = 0
    /// Read after `stop()`: handles still open once the loop ran out, and what uv_loop_close returned.
    private(set) var leftOpen = -1
    private(set) var loopCloseResult: Int32 = -1
    private var mailbox: LoopMailbox!
    private let ready = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init() throws {
        let thread = Thread { [self] in
            let loop = try! makeTestLoop()
            let responder = HoldingResponder()
            var settings = HTTPServerSettings()
            settings.host = "127.0.0.1"
            settings.port = 0
            let server = try! HTTPServer(loop: loop, settings: settings, responder: responder) { .empty($0) }
            port = server.port
            mailbox = try! LoopMailbox(loop: loop) { [unowned server, unowned responder] message in
                switch message {
                case .stop: server.stop { [unowned self] in mailbox.close() }
                case .withOwner(let work): work(responder)
                }
            }
            ready.signal()
            loop.run()
            leftOpen = loop.openHandleCount
            loopCloseResult = loop.close()
            finished.signal()
        }
        thread.start()
        ready.wait()
    }

    func release() {
        mailbox.post(.withOwner { responder in (responder as! HoldingResponder).held?.complete(.empty(200)) })
    }

    func stop() {
        mailbox.post(.stop)
        finished.wait()
    }
}

@Suite(.serialized) struct HeldReplyTests {
    private static func kernelBufferMax(_ path: String) -> Int {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).last.flatMap { Int($0) } ?? 0
    }

    /// Writes `bytes` without blocking until the socket stays full for `stallMs`; returns how much went out.
    private static func writeUntilStalled(_ fd: Int32, _ chunk: [UInt8], limit: Int, stallMs: Int) -> Int {
        var written = 0
        var stalledSince: Date?
        let deadline = Date().addingTimeInterval(20)
        while written < limit, Date() < deadline {
            let n = chunk.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, min($0.count, limit - written), Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n > 0 {
                written += n
                stalledSince = nil
                continue
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { break }
            if let since = stalledSince {
                if Date().timeIntervalSince(since) * 1_000 >= Double(stallMs) { break }
            } else {
                stalledSince = Date()
            }
            usleep(2_000)
        }
        return written
    }

    /// The bug of issue 14: with a reply pending, the server kept reading the client's later bytes into memory.
    @Test func aHeldReplyStopsReadingAndResumesOnceItIsWritten() throws {
        let server = try HeldReplyServer()
        defer {
            server.stop()
            #expect(server.leftOpen == 0)
            #expect(server.loopCloseResult == 0)
        }
        let client = try RawClient(port: server.port)
        client.send("GET /hold HTTP/1.1\r\n\r\n")
        // Pipelined requests streamed behind the held one, as fast as the socket takes them.
        let request = Array("GET /x HTTP/1.1\r\n\r\n".utf8)
        let chunk = Array((0..<(64 * 1024 / request.count)).map { _ in request }.joined())
        // What may legitimately be absorbed: the server's read slab and spill (64 KiB each) plus the kernel's
        // receive buffer of the server's socket and send buffer of ours, at their maxima.
        let bound = 2 * 64 * 1024 + Self.kernelBufferMax("/proc/sys/net/ipv4/tcp_rmem") + Self.kernelBufferMax("/proc/sys/net/ipv4/tcp_wmem")
        let written = Self.writeUntilStalled(client.fd, chunk, limit: bound + 32 * 1024 * 1024, stallMs: 300)
        #expect(written <= bound, "the server absorbed \(written) bytes with a reply pending (bound \(bound))")

        // Released, the held answer goes out first, then the server reads on: far more requests are answered
        // than its own buffers could have held.
        server.release()
        let first = try client.readReply()
        #expect(first.status == 200)
        let beyondBuffers = (2 * 64 * 1024) / request.count + 1
        var answered = 0
        while answered < beyondBuffers {
            guard (try? client.readReply())?.status == 200 else { break }
            answered += 1
        }
        #expect(answered == beyondBuffers)
    }
}
