@testable import Server
import Testing

/// The access policy over HTTP on a real node: every role against every endpoint class, the 401 and its
/// challenge, malformed credentials, and writes refused before they change anything.
@Suite(.serialized) struct SecurityHTTPTests {
    static let everyRole = ["--spring.security.user.name=admin", "--spring.security.user.password=admin-pw",
                            "--eureka.node.security.writers=app:app-pw", "--eureka.node.security.readers=reader:reader-pw",
                            "--eureka.node.security.peers=peer:peer-pw", "--eureka.node.security.operators=ops:ops-pw"]
        + TestNode.liveReads

    static func basic(_ user: String, _ password: String) -> (String, String) {
        ("Authorization", "Basic " + Base64.encode(Array("\(user):\(password)".utf8)))
    }

    /// Who asks, by name, with the header they send (nil: none).
    static let callers: [(String, (String, String)?)] = [
        ("none", nil), ("admin", basic("admin", "admin-pw")), ("writer", basic("app", "app-pw")),
        ("reader", basic("reader", "reader-pw")), ("peer", basic("peer", "peer-pw")), ("operator", basic("ops", "ops-pw")),
        ("wrong", basic("app", "reader-pw")),
    ]

    private func send(_ node: TestNode, _ method: String, _ path: String, _ auth: (String, String)?,
                      extra: [(String, String)] = [], body: [UInt8]? = nil) throws -> Int {
        try node.request(method: method, path: path, headers: (auth.map { [$0] } ?? []) + extra, body: body).status
    }

    @Test func everyRoleAgainstEveryEndpointClass() throws {
        let node = try TestNode(Self.everyRole)
        defer { node.stop() }
        let json = [("Content-Type", "application/json"), ("Accept", "application/json")]
        let batch = Array(#"{"replicationList":[]}"#.utf8)
        // Expected status per caller: none, admin, writer, reader, peer, operator, wrong.
        let table: [(String, String, [(String, String)], [UInt8]?, [Int])] = [
            ("GET", "/actuator/health", [], nil, [200, 200, 200, 200, 200, 200, 200]),
            ("GET", "/health", [], nil, [200, 200, 200, 200, 200, 200, 200]),
            ("GET", "/eureka/apps", json, nil, [401, 200, 200, 200, 200, 200, 401]),
            ("GET", "/eureka/apps/delta", json, nil, [401, 200, 200, 200, 200, 200, 401]),
            ("GET", "/eureka/v2/vips/orders", json, nil, [401, 200, 200, 200, 200, 200, 401]),
            ("GET", "/eureka/apps/ORDERS/orders-1:orders:8080", json, nil, [401, 200, 200, 200, 200, 200, 401]),
            ("GET", "/eureka/instances/orders-1:orders:8080", json, nil, [401, 200, 200, 200, 200, 200, 401]),
            ("POST", "/eureka/apps/ORDERS", json, Registrant().body(.json), [401, 204, 204, 403, 204, 403, 401]),
            ("PUT", "/eureka/apps/ORDERS/orders-1:orders:8080", [], nil, [401, 200, 200, 403, 200, 403, 401]),
            ("PUT", "/eureka/apps/ORDERS/orders-1:orders:8080/status?value=OUT_OF_SERVICE", [], nil, [401, 200, 200, 403, 200, 403, 401]),
            ("DELETE", "/eureka/apps/ORDERS/orders-1:orders:8080/status", [], nil, [401, 200, 200, 403, 200, 403, 401]),
            ("PUT", "/eureka/apps/ORDERS/orders-1:orders:8080/metadata?k=v", [], nil, [401, 200, 200, 403, 200, 403, 401]),
            ("POST", "/eureka/peerreplication/batch/", json, batch, [401, 200, 403, 403, 200, 403, 401]),
            ("POST", "/eureka/apps/ORDERS", json + [("x-netflix-discovery-replication", "true")], Registrant().body(.json),
             [401, 204, 403, 403, 204, 403, 401]),
            ("GET", "/eureka/status", [], nil, [401, 200, 403, 403, 403, 200, 401]),
            ("GET", "/eureka/serverinfo/statusoverrides", [], nil, [401, 200, 403, 403, 403, 200, 401]),
            ("GET", "/", [], nil, [401, 200, 403, 403, 403, 200, 401]),
            ("GET", "/actuator/prometheus", [], nil, [401, 200, 403, 403, 403, 200, 401]),
            ("GET", "/metrics", [], nil, [401, 200, 403, 403, 403, 200, 401]),
            ("GET", "/actuator/info", [], nil, [401, 200, 403, 403, 403, 200, 401]),
            ("GET", "/no/such/path", [], nil, [401, 404, 404, 404, 404, 404, 401]),
        ]
        // The instance exists for the reads and per-instance writes.
        #expect(try send(node, "POST", "/eureka/apps/ORDERS", Self.basic("app", "app-pw"), extra: json, body: Registrant().body(.json)) == 204)
        for (method, path, extra, body, expected) in table {
            for ((caller, auth), status) in zip(Self.callers, expected) {
                let got = try send(node, method, path, auth, extra: extra, body: body)
                #expect(got == status, "\(method) \(path) as \(caller): \(got), expected \(status)")
            }
        }
        // Cancel last: it removes the instance.
        for (caller, auth) in Self.callers where ["none", "wrong", "reader", "operator"].contains(caller) {
            #expect(try send(node, "DELETE", "/eureka/apps/ORDERS/orders-1:orders:8080", auth) == (auth == nil || caller == "wrong" ? 401 : 403))
        }
        #expect(try send(node, "DELETE", "/eureka/apps/ORDERS/orders-1:orders:8080", Self.basic("app", "app-pw")) == 200)
    }

    @Test func unauthorizedCarriesTheChallengeAndLooksTheSameWhateverFailed() throws {
        let node = try TestNode(Self.everyRole)
        defer { node.stop() }
        let attempts: [[(String, String)]] = [
            [],
            [Self.basic("nobody", "app-pw")],                       // unknown user
            [Self.basic("app", "wrong")],                           // wrong password
            [Self.basic("app", "")],                                // empty password
            [("Authorization", "Basic !!not-base64!!")],            // bad base64
            [("Authorization", "Basic " + Base64.encode(Array("app-pw".utf8)))],  // no colon
            [("Authorization", "Bearer app-pw")],                  // another scheme
        ]
        var replies: [RawClient.Reply] = []
        for headers in attempts {
            let reply = try node.request(method: "GET", path: "/eureka/apps", headers: headers + [("Accept", "application/json")])
            #expect(reply.status == 401)
            #expect(reply.header("WWW-Authenticate") == #"Basic realm="eureka""#)
            replies.append(reply)
        }
        #expect(Set(replies.map(\.text)).count == 1)
        #expect(replies[0].text == #"{"error":"authentication required"}"#)
        let forbidden = try node.request(method: "GET", path: "/eureka/status", headers: [Self.basic("app", "app-pw")])
        #expect(forbidden.status == 403)
        #expect(forbidden.header("WWW-Authenticate") == nil)
    }

    @Test func refusedWritesChangeNothing() throws {
        let node = try TestNode(Self.everyRole)
        defer { node.stop() }
        let admin = Self.basic("admin", "admin-pw")
        let json = [("Content-Type", "application/json"), ("Accept", "application/json")]
        #expect(try send(node, "POST", "/eureka/apps/ORDERS", admin, extra: json, body: Registrant().body(.json)) == 204)
        let before = try node.request(path: "/eureka/apps/ORDERS/orders-1:orders:8080", headers: [admin] + json).text
        let stranger = Registrant.orders(7)
        let batch = Array(#"{"replicationList":[{"appName":"ORDERS","id":"orders-1:orders:8080","action":"Cancel"}]}"#.utf8)
        for auth in [nil, Self.basic("app", "nope"), Self.basic("reader", "reader-pw")] {
            _ = try send(node, "POST", "/eureka/apps/ORDERS", auth, extra: json, body: stranger.body(.json))
            _ = try send(node, "PUT", "/eureka/apps/ORDERS/orders-1:orders:8080/status?value=OUT_OF_SERVICE", auth)
            _ = try send(node, "PUT", "/eureka/apps/ORDERS/orders-1:orders:8080/metadata?evil=1", auth)
            _ = try send(node, "DELETE", "/eureka/apps/ORDERS/orders-1:orders:8080", auth)
            _ = try send(node, "POST", "/eureka/peerreplication/batch/", auth, extra: json, body: batch)
            _ = try send(node, "POST", "/eureka/apps/ORDERS", auth, extra: json + [("x-netflix-discovery-replication", "true")],
                         body: stranger.body(.json))
        }
        // A writer may not pass for a peer either.
        _ = try send(node, "POST", "/eureka/peerreplication/batch/", Self.basic("app", "app-pw"), extra: json, body: batch)
        let after = try node.request(path: "/eureka/apps/ORDERS/orders-1:orders:8080", headers: [admin] + json).text
        #expect(after == before)
        #expect(node.running.sync { $0.registry.instanceCount } == 1)
        #expect(try node.request(path: "/eureka/apps/ORDERS/\(stranger.id)", headers: [admin] + json).status == 404)
    }

    @Test func expectContinueIsRefusedBeforeTheBody() throws {
        let node = try TestNode(Self.everyRole)
        defer { node.stop() }
        let client = try node.client()
        client.send("POST /eureka/apps/ORDERS HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
        let reply = try client.readReply()
        #expect(reply.status == 401)
        #expect(reply.header("WWW-Authenticate") == #"Basic realm="eureka""#)
        #expect(node.running.sync { $0.registry.instanceCount } == 0)
    }

    @Test func writersAloneProtectWritesAndLeaveDiscoveryAndPagesOpen() throws {
        let node = try TestNode(["--eureka.node.security.writers=app:app-pw"] + TestNode.liveReads)
        defer { node.stop() }
        #expect(try node.register(Registrant()).status == 401)
        #expect(try send(node, "GET", "/eureka/apps", nil) == 200)
        #expect(try send(node, "GET", "/eureka/status", nil) == 200)
        #expect(try send(node, "POST", "/eureka/apps/ORDERS", Self.basic("app", "app-pw"),
                         extra: [("Content-Type", "application/json")], body: Registrant().body(.json)) == 204)
        // No peer credentials: nobody may replicate (the Spring user would).
        #expect(try send(node, "PUT", "/eureka/apps/ORDERS/orders-1:orders:8080", Self.basic("app", "app-pw"),
                         extra: [("x-netflix-discovery-replication", "true")]) == 403)
    }

    @Test func theSpringUserAloneSecuresEverythingButHealth() throws {
        let node = try TestNode(["--spring.security.user.password=pw"] + TestNode.liveReads)
        defer { node.stop() }
        for path in ["/eureka/apps", "/eureka/status", "/", "/actuator/info", "/actuator/prometheus"] {
            #expect(try send(node, "GET", path, nil) == 401, "\(path)")
            #expect(try send(node, "GET", path, Self.basic("user", "pw")) == 200, "\(path)")
        }
        #expect(try send(node, "GET", "/actuator/health", nil) == 200)
        #expect(try node.register(Registrant()).status == 401)
    }

    @Test func refusalsAreCountedUnderTheirEndpointClass() throws {
        let node = try TestNode(Self.everyRole)
        defer { node.stop() }
        #expect(try node.heartbeat("ORDERS", "x").status == 401)
        let metrics = try node.request(path: "/actuator/prometheus", headers: [Self.basic("ops", "ops-pw")]).text
        #expect(metrics.contains(#"eureka_http_server_requests_total{endpoint="renew",status="401"} 1"#))
    }
}
