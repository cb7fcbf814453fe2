import Foundation
@testable import Server
import Testing

/// The receiving side of peer replication (spec 2.14, 7.5) over real HTTP.
@Suite(.serialized) struct PeerBatchTests {
    static func instanceJSON(_ id: String, dirty: Int64) -> String {
        #"{"instanceId":"\#(id)","hostName":"\#(id)","app":"ORDERS","ipAddr":"10.0.0.8","status":"UP","#
            + #""port":{"$":8080,"@enabled":"true"},"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},"#
            + #""leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90},"vipAddress":"orders","lastDirtyTimestamp":"\#(dirty)"}"#
    }

    static func post(_ node: TestNode, _ body: String, contentType: String = "application/json") throws -> RawClient.Reply {
        let client = try node.client()
        client.send("POST /eureka/peerreplication/batch/ HTTP/1.1\r\nContent-Type: \(contentType)\r\nAccept: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
        return try client.readReply()
    }

    @Test func itemsRunInOrderWithTheReplicationRules() throws {
        let node = try TestNode()
        defer { node.stop() }
        let t: Int64 = 1_732_440_200_000
        let items = [
            #"{"appName":"orders","id":"a","action":"Register","instanceInfo":\#(Self.instanceJSON("a", dirty: t))}"#,
            #"{"appName":"ORDERS","id":"b","action":"Register","instanceInfo":\#(Self.instanceJSON("b", dirty: t))}"#,
            #"{"appName":"ORDERS","id":"a","lastDirtyTimestamp":\#(t),"status":"UP","action":"Heartbeat"}"#,
            #"{"appName":"ORDERS","id":"zz","lastDirtyTimestamp":\#(t),"status":"UP","action":"Heartbeat"}"#,
            #"{"appName":"ORDERS","id":"a","lastDirtyTimestamp":\#(t - 5),"status":"UP","action":"Heartbeat"}"#,
            #"{"appName":"ORDERS","id":"a","lastDirtyTimestamp":\#(t + 5),"status":"UP","action":"Heartbeat"}"#,
            #"{"appName":"ORDERS","id":"a","lastDirtyTimestamp":\#(t),"status":"OUT_OF_SERVICE","action":"StatusUpdate"}"#,
            #"{"appName":"ORDERS","id":"zz","lastDirtyTimestamp":\#(t),"status":"OUT_OF_SERVICE","action":"StatusUpdate"}"#,
            #"{"appName":"ORDERS","id":"a","lastDirtyTimestamp":\#(t),"status":"UP","action":"DeleteStatusOverride"}"#,
            #"{"appName":"ORDERS","id":"b","action":"Cancel"}"#,
            #"{"appName":"ORDERS","id":"b","action":"Cancel"}"#,
            #"{"appName":"ORDERS","id":"a"}"#,
        ]
        let reply = try Self.post(node, #"{"replicationList":["# + items.joined(separator: ",") + "]}")
        #expect(reply.status == 200)
        let root = try JSONSerialization.jsonObject(with: Data(reply.body)) as! [String: Any]
        let results = root["responseList"] as! [[String: Any]]
        #expect(results.map { $0["statusCode"] as! Int } == [200, 200, 200, 404, 409, 404, 200, 404, 200, 200, 404, 500])
        let conflict = results[4]["responseEntity"] as! [String: Any]
        #expect(conflict["instanceId"] as? String == "a")
        #expect(conflict["lastDirtyTimestamp"] as? String == "\(t)")
        let state = node.running.sync { node in
            (node.registry.storedInstance(app: "ORDERS", id: "a")?.status, node.registry.storedInstance(app: "ORDERS", id: "b"),
             node.registry.overriddenStatuses.count)
        }
        #expect(state.0 == .up)
        #expect(state.1 == nil)
        #expect(state.2 == 0)
    }

    @Test func unknownActionIsA400AndXMLIsA415() throws {
        let node = try TestNode()
        defer { node.stop() }
        #expect(try Self.post(node, #"{"replicationList":[{"appName":"A","id":"x","action":"Teleport"}]}"#).status == 400)
        #expect(try Self.post(node, "not json").status == 400)
        #expect(try Self.post(node, "<replicationList/>", contentType: "application/xml").status == 415)
    }

    @Test func gzippedBatchIsInflated() throws {
        let node = try TestNode()
        defer { node.stop() }
        let body = #"{"replicationList":[{"appName":"ORDERS","id":"c","action":"Register","instanceInfo":\#(Self.instanceJSON("c", dirty: 1))}]}"#
        let gzipped = Gzip.compress(Array(body.utf8))!
        let client = try node.client()
        client.send("POST /eureka/v2/peerreplication/batch HTTP/1.1\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            + "Content-Length: \(gzipped.count)\r\n\r\n")
        client.send(gzipped)
        #expect(try client.readReply().status == 200)
        #expect(node.running.sync { $0.registry.instanceCount } == 1)
    }
}
