import Glibc
@testable import Server
import Testing

/// The HTTP core against the real node on an ephemeral port, driven by raw sockets.
@Suite(.serialized) struct HTTPCoreTests {
    static let status = "GET /eureka/status HTTP/1.1\r\nHost: t\r\n\r\n"

    @Test func tenThousandSequentialRequestsOnOneConnection() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        for _ in 0..<10_000 {
            client.send(Self.status)
            #expect(try client.readReply().status == 200)
        }
        #expect(node.running.sync { $0.httpMetrics.accepted } == 1)
    }

    @Test func hundredPipelinedRequestsAreAnsweredInOrder() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        let kinds = (0..<100).map { $0 % 3 }
        let requests = kinds.map { kind -> String in
            switch kind {
            case 0: Self.status
            case 1: "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"
            default: "DELETE /eureka/status HTTP/1.1\r\nHost: t\r\n\r\n"
            }
        }
        client.send(requests.joined())
        for kind in kinds {
            #expect(try client.readReply().status == [200, 404, 405][kind])
        }
    }

    @Test func headAnswersWithoutBody() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        client.send("HEAD /eureka/status HTTP/1.1\r\n\r\n" + Self.status)
        let head = try client.readReply(headOnly: true)
        #expect(head.status == 200)
        #expect(Int(head.header("Content-Length") ?? "0")! > 0)
        #expect(try client.readReply().status == 200)  // the next answer starts right after the head
    }

    @Test func optionsAndWrongMethodListAllow() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        client.send("OPTIONS /eureka/v2/apps/ORDERS HTTP/1.1\r\n\r\nPATCH /eureka/apps HTTP/1.1\r\n\r\n")
        let options = try client.readReply()
        #expect(options.status == 200 && options.header("Allow") == "GET, HEAD, POST, OPTIONS")
        let wrong = try client.readReply()
        #expect(wrong.status == 405 && wrong.header("Allow") == "GET, HEAD, OPTIONS")
    }

    @Test func expectContinueGetsInterimResponse() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        client.send("POST /eureka/peerreplication/batch HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(try client.readReply().status == 100)
        client.send("{}")
        #expect(try client.readReply().status != 100)
    }

    @Test func http10ClosesUnlessKeepAlive() throws {
        let node = try TestNode()
        defer { node.stop() }
        let plain = try node.client()
        plain.send("GET /eureka/status HTTP/1.0\r\n\r\n")
        #expect(try plain.readReply().status == 200)
        #expect(plain.readsEOF())
        let kept = try node.client()
        kept.send("GET /eureka/status HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let reply = try kept.readReply()
        #expect(reply.header("Connection")?.lowercased() == "keep-alive")
        kept.send("GET /eureka/status HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try kept.readReply().status == 200)
    }

    @Test func connectionCloseIsHonoured() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        client.send("GET /eureka/status HTTP/1.1\r\nConnection: close\r\n\r\n")
        let reply = try client.readReply()
        #expect(reply.header("Connection") == "close")
        #expect(client.readsEOF())
    }

    static let badInputs = [
        ("GARBAGE\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 17_000) + "\r\n\r\n", 431),
        ("POST /eureka/apps/A HTTP/1.1\r\nContent-Length: 2000000\r\n\r\nabc", 413),
    ]

    @Test(arguments: [400, 431, 413])
    func badRequestsGetTheirStatusAndCloseAndTheNextClientIsServed(status: Int) throws {
        let input = Self.badInputs.first { $0.1 == status }!.0
        let node = try TestNode()
        defer { node.stop() }
        let bad = try node.client()
        bad.send(input)
        let reply = try bad.readReply()
        #expect(reply.status == status)
        #expect(reply.header("Connection") == "close")
        #expect(bad.readsEOF())
        let next = try node.client()
        next.send(Self.status)
        #expect(try next.readReply().status == 200)
    }

    @Test func oneByteAtATimeIsServed() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        for byte in Array((Self.status + Self.status).utf8) {
            client.send([byte])
            usleep(200)
        }
        #expect(try client.readReply().status == 200)
        #expect(try client.readReply().status == 200)
    }

    @Test func disconnectsMidRequestAndMidResponseLeaveNoConnection() throws {
        let node = try TestNode()
        defer { node.stop() }
        do {
            let half = try node.client()
            half.send("GET /eureka/stat")
            let reader = try node.client()
            reader.send(String(repeating: Self.status, count: 2_000))  // answers it will never read
        }
        #expect(node.eventually { $0.connectionCount == 0 })
        let next = try node.client()
        next.send(Self.status)
        #expect(try next.readReply().status == 200)
    }

    @Test func idleAndSlowClientsAreTimedOut() throws {
        let node = try TestNode(["--eureka.node.idle-timeout-ms=200", "--eureka.node.request-timeout-ms=300"])
        defer { node.stop() }
        let idle = try node.client()
        idle.send(Self.status)
        #expect(try idle.readReply().status == 200)
        let slow = try node.client()
        slow.send("GET /eureka/sta")
        #expect(idle.readsEOF())
        #expect(try slow.readReply().status == 408)
        #expect(node.eventually { $0.connectionCount == 0 })
    }

    @Test func peerHalfCloseStillGetsItsAnswers() throws {
        let node = try TestNode()
        defer { node.stop() }
        let client = try node.client()
        client.send(Self.status + Self.status)
        client.shutdownWrite()
        #expect(try client.readReply().status == 200)
        #expect(try client.readReply().status == 200)
        #expect(client.readsEOF())
    }
}
