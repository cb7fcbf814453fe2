import Testing
@testable import Server

/// `POST /eureka/peerreplication/digest` (docs/anti-entropy.md) on a real node: absent while anti-entropy is off,
/// 400 for bad bodies, the differing applications' states, gzip both ways, a bounded reply, peers only.
@Suite(.serialized) struct AntiEntropyEndpointTests {
    static let on = ["--eureka.node.anti-entropy-interval-ms=600000"] + TestNode.liveReads
    static let json = [("Content-Type", "application/json"), ("Accept", "application/json")]

    private func post(_ node: TestNode, _ body: String, path: String = "/eureka/peerreplication/digest",
                      headers: [(String, String)] = json) throws -> RawClient.Reply {
        try node.request(method: "POST", path: path, headers: headers, body: Array(body.utf8))
    }

    private func decoded(_ reply: RawClient.Reply) throws -> DigestReply {
        var body = reply.body
        if reply.header("Content-Encoding") == "gzip", case .bytes(let inflated) = Gzip.inflate(body, limit: 64 << 20) { body = inflated }
        return try DigestCodec.decodeReply(body)
    }

    @Test func offTheEndpointIsAnUnknownPath() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        #expect(try post(node, "{\"apps\":{}}").status == 404)
        #expect(try post(node, "{\"apps\":{}}", path: "/eureka/v2/peerreplication/digest").status == 404)
    }

    @Test func badBodiesGet400AndTheNodeKeepsServing() throws {
        let node = try TestNode(Self.on)
        defer { node.stop() }
        for body in ["", "not json", "[]", "{\"apps\":{\"ORDERS\":42}}", "{\"apps\":{\"ORDERS\":\"zz\"}}"] {
            let reply = try post(node, body)
            #expect(reply.status == 400, "\(body)")
            #expect(reply.text.contains("cannot parse digest"))
        }
        #expect(try post(node, "{\"apps\":{}}", headers: [("Content-Type", "application/xml")]).status == 415)
        #expect(try node.request(path: "/eureka/peerreplication/digest").status == 405)
        #expect(try post(node, "{\"apps\":{}}").status == 200)
    }

    @Test func theReplyHoldsOnlyTheApplicationsThatDiffer() throws {
        let node = try TestNode(Self.on)
        defer { node.stop() }
        #expect(try node.register(Registrant.orders(1)).status == 204)
        #expect(try node.register(Registrant.orders(2)).status == 204)
        let everything = try decoded(try post(node, "{\"node\":\"peer:1\",\"apps\":{\"ELSEWHERE\":\"1\"}}"))
        #expect(Set(everything.apps.map(\.name)) == ["ORDERS", "ELSEWHERE"])
        #expect(everything.apps.first { $0.name == "ORDERS" }?.states.count == 2)
        #expect(everything.apps.first { $0.name == "ELSEWHERE" }?.states.isEmpty == true)
        let hash = node.running.sync { $0.registry.applicationHashes["ORDERS"]! }
        let same = try decoded(try post(node, "{\"apps\":{\"ORDERS\":\"\(AntiEntropyHash.hex(hash))\"}}", path: "/eureka/v2/peerreplication/digest"))
        #expect(same == DigestReply())
    }

    @Test func gzipBothWaysAndATruncatedReplyPastTheCap() throws {
        let node = try TestNode(Self.on)
        defer { node.stop() }
        node.running.sync { node in
            for app in 0..<101 {
                for index in 0..<100 { node.registry.register(instance("i\(index)", app: "APP\(app)"), leaseDurationSecs: 90, isReplication: false) }
            }
        }
        let body = try #require(Gzip.compress(Array("{\"apps\":{}}".utf8)))
        let reply = try node.request(method: "POST", path: "/eureka/peerreplication/digest",
                                     headers: Self.json + [("Content-Encoding", "gzip"), ("Accept-Encoding", "gzip")], body: body)
        #expect(reply.status == 200)
        #expect(reply.header("Content-Encoding") == "gzip")
        let digest = try decoded(reply)
        #expect(digest.truncated)
        #expect(digest.stateCount == EurekaAPI.maxDigestStates)  // whole applications of 100, up to the cap
        #expect(EurekaAPI.maxDigestStates % 100 == 0)
    }

    /// Two nodes with rounds armed towards each other stop with every handle closed (the rounds' timers go through
    /// the replicator's close), and the replicator reports the rounds' counters for /metrics.
    @Test func nodesRunningRoundsStopClean() throws {
        let a = try TestNode(Self.on)
        defer { a.stop() }
        let b = try TestNode(Self.on + ["--eureka.client.service-url.defaultZone=http://127.0.0.1:\(a.port)/eureka/",
                                        "--eureka.server.registry-sync-retries=1", "--eureka.server.registry-sync-retry-wait-ms=0",
                                        "--eureka.server.wait-time-in-ms-when-sync-empty=0"])
        defer { b.stop() }
        #expect(b.running.sync { $0.status.replicas.first?.antiEntropy != nil })
        let metrics = try b.request(path: "/metrics").text
        #expect(metrics.contains("eureka_anti_entropy_rounds_total{peer=\"http://127.0.0.1:\(a.port)/eureka/\",outcome=\"in_sync\"} 0"))
    }

    @Test func onlyPeersMayAskForADigest() throws {
        let node = try TestNode(Self.on + ["--eureka.node.security.peers=peer:peer-pw", "--eureka.node.security.writers=app:app-pw"])
        defer { node.stop() }
        #expect(try post(node, "{\"apps\":{}}").status == 401)
        #expect(try post(node, "{\"apps\":{}}", headers: Self.json + [SecurityHTTPTests.basic("app", "app-pw")]).status == 403)
        #expect(try post(node, "{\"apps\":{}}", headers: Self.json + [SecurityHTTPTests.basic("peer", "peer-pw")]).status == 200)
    }
}
