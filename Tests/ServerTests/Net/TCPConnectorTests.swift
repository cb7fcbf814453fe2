import Glibc
import Testing
@testable import Server

/// TCPConnector on its own: a connected stream or a classified failure, once, never inside `start`.
@Suite(.serialized) struct TCPConnectorTests {
    /// Starts one connect on a fresh loop and runs it; `use` gets the result on the loop thread.
    private func connect(host: String = "127.0.0.1", port: Int, timeoutMs: UInt64 = 2_000,
                         cancelAfterStart: Bool = false,
                         _ use: @escaping (Result<TCPStream, ConnectFailure>) -> Void = { if case .success(let s) = $0 { s.close() } })
        throws -> (result: Result<TCPStream, ConnectFailure>?, calledInsideStart: Bool, loop: EventLoop) {
        let loop = try makeTestLoop()
        let connector = try TCPConnector(loop: loop)
        var result: Result<TCPStream, ConnectFailure>?
        var starting = true
        var calledInsideStart = false
        connector.start(host: host, port: port, timeoutMs: timeoutMs) { outcome in
            calledInsideStart = starting
            result = outcome
            use(outcome)
        }
        starting = false
        if cancelAfterStart { connector.cancel() }
        loop.run()
        return (result, calledInsideStart, loop)
    }

    @Test func connectsToAListeningPeer() throws {
        let peer = try ScriptedPeer([[.hold]])
        defer { peer.stop() }
        let (result, inside, loop) = try connect(port: peer.port)
        #expect(!inside)
        guard case .success = result else { Issue.record("expected a stream, got \(String(describing: result))"); return }
        #expect(waitUntil { peer.accepted == 1 })  // the peer's thread accepts on its own time
        expectLoopClosesClean(loop)
    }

    @Test func aClosedPortIsRefusedAndAnUnknownNameFailsToResolve() throws {
        let probe = try ScriptedPeer([])
        probe.stop()
        let refused = try connect(port: probe.port)
        #expect(refused.result.map { if case .failure(.refused) = $0 { true } else { false } } == true)
        expectLoopClosesClean(refused.loop)
        let unknown = try connect(host: "no-such-peer.invalid", port: 8761)
        #expect(unknown.result.map { if case .failure(.resolveFailed) = $0 { true } else { false } } == true)
        #expect(!unknown.calledInsideStart)
        expectLoopClosesClean(unknown.loop)
    }

    @Test func aDeadlineThatPassesBeforeTheConnectionIsAConnectTimeout() throws {
        // A zero deadline fires on the loop's first turn, before the name's resolution can come back.
        let (result, inside, loop) = try connect(port: 9, timeoutMs: 0)
        #expect(!inside)
        #expect(result.map { if case .failure(.connectTimeout) = $0 { true } else { false } } == true)
        expectLoopClosesClean(loop)
    }

    @Test func aCancelledConnectorNeverCallsBack() throws {
        let peer = try ScriptedPeer([[.hold]])
        defer { peer.stop() }
        let (result, _, loop) = try connect(port: peer.port, cancelAfterStart: true)
        #expect(result == nil)
        expectLoopClosesClean(loop)
    }

    @Test func aResetIsToldApartFromAnOrdinaryEOF() throws {
        for (step, expectError) in [(ScriptedPeer.Step.reset, true), (.close, false)] {
            // The peer ends the connection only once it read a request: after the connect surely completed.
            let peer = try ScriptedPeer([[.readRequest, step]])
            defer { peer.stop() }
            let reader = EndRecorder()
            let (result, _, loop) = try connect(port: peer.port) { result in
                guard case .success(let stream) = result else { return }
                stream.delegate = reader
                stream.startReading()
                stream.queue { $0.append("GET / HTTP/1.1\r\n\r\n" as StaticString) }
                stream.flush()
            }
            guard case .success = result else { Issue.record("expected a stream, got \(String(describing: result))"); return }
            #expect(reader.ended)
            #expect((reader.error != nil) == expectError, "\(step): \(String(describing: reader.error))")
            expectLoopClosesClean(loop)
        }
    }
}

/// Records how a stream's reading ended, then closes it.
private final class EndRecorder: TCPStreamDelegate {
    var ended = false
    var error: UVError?
    func stream(_ stream: TCPStream, didRead bytes: UnsafeRawBufferPointer) {}
    func streamDidEnd(_ stream: TCPStream) {
        ended = true
        error = stream.readError
        stream.close()
    }
    func streamDidDrain(_ stream: TCPStream) {}
    func streamDidClose(_ stream: TCPStream) {}
}
