import Foundation
@testable import Server
import Testing

/// `/status` (spec 2.15), the operational pages (10), ASG (2.17), unknown paths and methods (2.18), OPTIONS and
/// HEAD (1.8).
@Suite(.serialized) struct APIOperationalTests {
    @Test func statusPageJSONHasTheStatusInfoFields() throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.get("/eureka/status")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/json")
        let status = try JSON.object(reply.body)
        let general = try #require(status["generalStats"] as? [String: String])
        #expect(general["environment"] == "test")
        for key in ["server-uptime", "num-of-cpus", "total-avail-memory", "current-memory-usage"] { #expect(general[key] != nil, "\(key)") }
        let replicas = try #require(status["applicationStats"] as? [String: String])
        #expect(replicas["registered-replicas"] != nil && replicas["available-replicas"] != nil && replicas["unavailable-replicas"] != nil)
        let own = try #require(status["instanceInfo"] as? [String: Any])
        #expect(own["app"] as? String == "EUREKA" && own["status"] as? String == "UP")
        #expect(status["healthy"] as? Bool == true && !JSON.isString(status["healthy"]))
    }

    @Test func statusPageXMLHasNetflixRootAndIsHeathly() throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.get("/eureka/v2/status", .xml)
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type") == "application/xml")
        let text = reply.text
        #expect(text.hasPrefix("<com.netflix.eureka.util.StatusInfo>") && text.hasSuffix("</com.netflix.eureka.util.StatusInfo>"))
        #expect(XMLText.value(text, "environment") == "test")
        #expect(XMLText.value(text, "isHeathly") == "true")
        #expect(text.contains("<instanceInfo><instanceId>"))
        #expect(!text.contains("<instance>"))
    }

    @Test(arguments: ["/actuator/health", "/health"])
    func healthIsUp(path: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.get(path)
        #expect(reply.status == 200)
        #expect(try JSON.object(reply.body) as? [String: String] == ["status": "UP"])
    }

    /// Spring Boot's info shape: `build.version` from VERSION, `git.commit.id` from the checkout built.
    @Test(arguments: ["/actuator/info", "/info"])
    func infoGivesTheVersionAndBuild(path: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.get(path)
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
        let info = try JSON.object(reply.body)
        let build = try #require(info["build"] as? [String: String])
        #expect(build["artifact"] == "eureka-server")
        #expect(build["version"] == BuildInfo.version)
        #expect(build["version"]?.split(separator: ".").count == 3)
        let commit = try #require((info["git"] as? [String: Any])?["commit"] as? [String: String])
        #expect(commit["id"] == BuildInfo.commit)
        #expect(commit["id"]?.isEmpty == false)
    }

    @Test func dashboardIsServedAtTheRoot() throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.request(path: "/")
        #expect(reply.status == 200)
        #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(!reply.body.isEmpty)
    }

    @Test func metricsCountRegisteredInstances() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(.orders(1))
        try node.register(.orders(2))
        for path in ["/metrics", "/actuator/prometheus"] {
            let reply = try node.request(path: path)
            #expect(reply.status == 200)
            let sample = reply.text.split(separator: "\n").first { $0.hasPrefix("eureka_registry_instances") }
            #expect(sample?.split(separator: " ").last == "2", "\(path)")
        }
    }

    @Test(arguments: ["ENABLED", "DISABLED", "BOGUS"])
    func asgStatusIsAlways400WithEmptyBody(value: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.request(method: "PUT", path: "/eureka/asg/x/status?value=\(value)")
        #expect(reply.status == 400)
        #expect(reply.body.isEmpty)
    }

    @Test(arguments: ["/eureka/v1/apps", "/eureka/nothing", "/nothing", "/eureka/apps/ORDERS/id/other", "/eureka/serverinfo/x",
                      "/eureka/apps/ORDERS/id/status/more"])
    func unknownPathIs404WithEmptyBody(path: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.get(path)
        #expect(reply.status == 404)
        #expect(reply.body.isEmpty)
    }

    @Test(arguments: [
        ("DELETE", "/eureka/apps", "GET, HEAD, OPTIONS"),
        ("POST", "/eureka/apps/delta", "GET, HEAD, OPTIONS"),
        ("PUT", "/eureka/vips/orders", "GET, HEAD, OPTIONS"),
        ("POST", "/eureka/serverinfo/statusoverrides", "GET, HEAD, OPTIONS"),
        ("DELETE", "/eureka/apps/ORDERS", "GET, HEAD, POST, OPTIONS"),
        ("POST", "/eureka/v2/apps/ORDERS/id", "GET, HEAD, PUT, DELETE, OPTIONS"),
        ("GET", "/eureka/apps/ORDERS/id/status", "PUT, DELETE, OPTIONS"),
        ("DELETE", "/eureka/apps/ORDERS/id/metadata", "PUT, OPTIONS"),
        ("GET", "/eureka/peerreplication/batch/", "POST, OPTIONS"),
        ("GET", "/eureka/asg/x/status", "PUT, OPTIONS"),
        ("PATCH", "/eureka/status", "GET, HEAD, OPTIONS"),
    ])
    func wrongMethodIs405WithTheAllowListOfThePath(method: String, path: String, allow: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.request(method: method, path: path)
        #expect(reply.status == 405)
        #expect(reply.header("Allow") == allow)
        #expect(reply.body.isEmpty)
    }

    @Test(arguments: [("/eureka/apps/ORDERS/id/metadata", "PUT, OPTIONS"), ("/eureka/v2/instances/x", "GET, HEAD, OPTIONS")])
    func optionsIs200WithAllow(path: String, allow: String) throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try node.request(method: "OPTIONS", path: path)
        #expect(reply.status == 200)
        #expect(reply.header("Allow") == allow)
        #expect(reply.body.isEmpty)
    }

    @Test(arguments: ["/eureka/apps", "/eureka/apps/ORDERS", "/eureka/apps/ORDERS/orders-1:orders:8080", "/eureka/status",
                      "/eureka/apps/NONE"])
    func headAnswersLikeGetWithoutBody(path: String) throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(.orders(1))
        let get = try node.get(path)
        let head = try node.request(method: "HEAD", path: path, headers: [("Accept", "application/json")])
        #expect(head.status == get.status)
        #expect(head.header("Content-Type") == get.header("Content-Type"))
        #expect(head.header("Content-Length") == String(get.body.count))
        // The connection is usable right after a HEAD answer: nothing of a body was sent.
        let client = try node.client()
        client.send("HEAD \(path) HTTP/1.1\r\nAccept: application/json\r\n\r\nGET /actuator/health HTTP/1.1\r\n\r\n")
        #expect(try client.readReply(headOnly: true).status == get.status)
        #expect(try client.readReply().text == #"{"status":"UP"}"#)
    }
}
