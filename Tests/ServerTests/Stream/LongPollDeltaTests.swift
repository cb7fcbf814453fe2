import Glibc
import Testing
@testable import Server

/// `GET /apps/delta?waitVersion=&timeoutMs=` (docs/change-stream.md): at once, on a change, at its timeout, 400s.
@Suite(.serialized) struct LongPollDeltaTests {
    static func elapsedMs(since start: timespec) -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1_000_000
    }

    static func now() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time
    }

    @Test func everyDeltaCarriesTheSequenceAndANewerChangeAnswersAtOnce() throws {
        let node = try TestNode([ChangeStreamTests.on])
        defer { node.stop() }
        ChangeStreamTests.register(node, "o1")
        let latest = ChangeStreamTests.latest(node)
        let client = try node.client()
        client.send("GET /eureka/apps/delta HTTP/1.1\r\nAccept: application/json\r\n\r\n")
        let plain = try client.readReply()
        #expect(plain.status == 200)
        #expect(plain.header("X-Eureka-Change-Sequence") != nil)
        let started = Self.now()
        client.send("GET /eureka/apps/delta?waitVersion=\(latest - 1)&timeoutMs=10000 HTTP/1.1\r\nAccept: application/json\r\n\r\n")
        let reply = try client.readReply()
        #expect(Self.elapsedMs(since: started) < 2_000)
        #expect(reply.status == 200)
        #expect(reply.header("X-Eureka-Change-Sequence") == String(latest))
        #expect(reply.text.contains("\"o1\""))
    }

    @Test func aHeldRequestIsAnsweredByTheNextChange() throws {
        let node = try TestNode([ChangeStreamTests.on])
        defer { node.stop() }
        ChangeStreamTests.register(node, "o1")
        let latest = ChangeStreamTests.latest(node)
        let client = try node.client()
        let started = Self.now()
        client.send("GET /eureka/apps/delta?waitVersion=\(latest)&timeoutMs=20000 HTTP/1.1\r\nAccept: application/json\r\n\r\n")
        #expect(node.eventually { $0.changeStream!.metrics.heldPolls == 1 })
        ChangeStreamTests.register(node, "o2")
        let reply = try client.readReply()
        #expect(Self.elapsedMs(since: started) < 10_000)
        #expect(reply.status == 200)
        #expect(reply.header("X-Eureka-Change-Sequence") == String(latest + 1))
        #expect(reply.text.contains("\"o2\""))
        // The connection serves the next request as usual.
        client.send("GET /eureka/apps/delta HTTP/1.1\r\n\r\n")
        #expect(try client.readReply().status == 200)
    }

    @Test func aHeldRequestIsAnsweredAtItsTimeout() throws {
        let node = try TestNode([ChangeStreamTests.on])
        defer { node.stop() }
        let latest = ChangeStreamTests.latest(node)
        let client = try node.client()
        let started = Self.now()
        client.send("GET /eureka/apps/delta?waitVersion=\(latest)&timeoutMs=300 HTTP/1.1\r\nAccept: application/json\r\n\r\n")
        let reply = try client.readReply()
        let elapsed = Self.elapsedMs(since: started)
        #expect(elapsed >= 280)
        #expect(elapsed < 5_000)
        #expect(reply.status == 200)
        #expect(reply.header("X-Eureka-Change-Sequence") == String(latest))
        #expect(node.running.sync { $0.changeStream!.metrics.heldPolls } == 0)
    }

    @Test func aClientLeavingFreesItsHeldRequest() throws {
        let node = try TestNode([ChangeStreamTests.on])
        defer { node.stop() }
        let latest = ChangeStreamTests.latest(node)
        do {
            let client = try node.client()
            client.send("GET /eureka/apps/delta?waitVersion=\(latest)&timeoutMs=60000 HTTP/1.1\r\n\r\n")
            #expect(node.eventually { $0.changeStream!.metrics.heldPolls == 1 })
        }
        #expect(node.eventually { $0.changeStream!.metrics.heldPolls == 0 && $0.connectionCount == 0 })
    }

    @Test(arguments: ["waitVersion=abc", "waitVersion=-5", "waitVersion=", "waitVersion=1&timeoutMs=-1",
                      "waitVersion=1&timeoutMs=60001", "waitVersion=1&timeoutMs=soon", "timeoutMs=99999999"])
    func badValuesAnswer400(_ query: String) throws {
        let node = try TestNode([ChangeStreamTests.on])
        defer { node.stop() }
        let client = try node.client()
        client.send("GET /eureka/apps/delta?\(query) HTTP/1.1\r\nAccept: application/json\r\n\r\n")
        let reply = try client.readReply()
        #expect(reply.status == 400)
        #expect(reply.text.contains("\"error\""))
    }
}
