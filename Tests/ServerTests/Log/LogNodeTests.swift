import Testing
@testable import Server

/// A whole node on a test loop with a dead peer: the start-up sync's result, the peer's state change and the
/// shutdown reach the node's log sink.
@Suite struct LogNodeTests {
    final class Capture {
        var lines: [String] = []
        weak var node: EurekaNode?
    }

    @Test func theSyncResultPeerStateAndShutdownOfANode() throws {
        let loop = try makeTestLoop()
        let deadPort = try LoopbackSocket.freePort()
        var config = ServerConfig()
        config.address = "127.0.0.1"
        config.port = 0
        config.serviceUrlDefaultZone = ["http://127.0.0.1:\(deadPort)/eureka/"]
        config.registrySyncRetries = 1
        config.registrySyncRetryWaitMs = 0
        config.logging.format = .json
        let capture = Capture()
        do {
            let node = try EurekaNode(config: config, loop: loop) { line in
                capture.lines.append(line)
                if line.contains("\"startup_sync\"") { capture.node?.stop() }
            }
            capture.node = node
            node.logStart()
            loop.run()
        }
        let events = capture.lines.compactMap { line -> String? in
            guard let range = line.firstRange(of: "\"event\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(events.first == "started")
        #expect(events.contains("peer_state"))
        #expect(events.last == "shutdown")
        let sync = try #require(capture.lines.first { $0.contains("\"startup_sync\"") })
        #expect(sync.contains("\"level\":\"warn\""))
        #expect(sync.contains("\"copied\":0,\"answered\":false,\"attempts\":1"))
        let started = try #require(capture.lines.first)
        #expect(started.contains("\"peers\":\"http://127.0.0.1:\(deadPort)/eureka/\""))
        expectLoopClosesClean(loop)
    }
}
