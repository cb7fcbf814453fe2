import Foundation
@testable import Server
import Testing

/// Issue #18 over real HTTP: the bounds on metadata and on the instance count, for clients and peers' batches.
@Suite(.serialized) struct BoundsAPITests {
    static func registrant(_ n: Int, metadata: [(String, String)]) -> Registrant {
        var registrant = Registrant.orders(n)
        registrant.metadata = metadata
        return registrant
    }

    static func entries(_ count: Int, valueBytes: Int = 1) -> [(String, String)] {
        (0..<count).map { ("key\($0)", String(repeating: "v", count: valueBytes)) }
    }

    static func errorText(_ reply: RawClient.Reply) -> String { reply.text }

    @Test(arguments: BodyFormat.allCases)
    func registrationPastAMetadataBoundIsA400NamingTheLimitAndRegistersNothing(format: BodyFormat) throws {
        let node = try TestNode(TestNode.liveReads + ["--eureka.node.max-metadata-entries=4", "--eureka.node.max-metadata-key-bytes=8",
                                                      "--eureka.node.max-metadata-value-bytes=16"])
        defer { node.stop() }
        let tooMany = try node.register(Self.registrant(1, metadata: Self.entries(5)), format)
        #expect(tooMany.status == 400)
        #expect(tooMany.text.contains("limit of 4"), "\(tooMany.text)")
        let longKey = try node.register(Self.registrant(2, metadata: [("k123456789", "v")]), format)
        #expect(longKey.status == 400 && longKey.text.contains("limit of 8 bytes"), "\(longKey.text)")
        let longValue = try node.register(Self.registrant(3, metadata: [("k", String(repeating: "x", count: 17))]), format)
        #expect(longValue.status == 400 && longValue.text.contains("limit of 16 bytes"), "\(longValue.text)")
        #expect(node.running.sync { $0.registry.instanceCount } == 0)
        let fits = try node.register(Self.registrant(4, metadata: Self.entries(4, valueBytes: 16)), format)
        #expect(fits.status == 204)
    }

    @Test func defaultBoundsAcceptWhatRealClientsSend() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        // Spring Cloud's keys and a few dozen more, with long values (a git description, a URL list).
        var metadata = [("management.port", "8081"), ("zone", "eu-west-1a"), ("instanceId", "orders-1:8080"),
                        ("git.commit", String(repeating: "a", count: 40))]
        metadata += (0..<60).map { ("custom.tag.\($0)", String(repeating: "x", count: 200)) }
        #expect(try node.register(Self.registrant(1, metadata: metadata)).status == 204)
        #expect(try node.register(Self.registrant(2, metadata: Self.entries(256, valueBytes: 1_000))).status == 204)
        #expect(try node.register(Self.registrant(3, metadata: Self.entries(257))).status == 400)
    }

    @Test func metadataUpdatesCannotGrowARecordPastTheBound() throws {
        let node = try TestNode(TestNode.liveReads + ["--eureka.node.max-metadata-entries=3"])
        defer { node.stop() }
        let registrant = Self.registrant(1, metadata: Self.entries(2))
        #expect(try node.register(registrant).status == 204)
        let base = "/eureka/apps/ORDERS/\(registrant.id)/metadata"
        #expect(try node.request(method: "PUT", path: base + "?extra=1").status == 200)
        let past = try node.request(method: "PUT", path: base + "?more=2", headers: [("Accept", "application/json")])
        #expect(past.status == 400)
        #expect(past.text.contains("limit of 3"), "\(past.text)")
        // An update of existing keys still works at the bound.
        #expect(try node.request(method: "PUT", path: base + "?extra=3").status == 200)
        let stored = node.running.sync { $0.registry.storedInstance(app: "ORDERS", id: registrant.id)?.metadata }
        #expect(stored?.count == 3 && stored?["extra"] == "3" && stored?["more"] == nil)
    }

    @Test func newInstancesPastMaxInstancesAre503WhileExistingOnesKeepWorking() throws {
        let node = try TestNode(TestNode.liveReads + ["--eureka.node.max-instances=2"])
        defer { node.stop() }
        #expect(try node.register(Registrant.orders(1)).status == 204)
        #expect(try node.register(Registrant.orders(2)).status == 204)
        let third = try node.register(Registrant.orders(3))
        #expect(third.status == 503)
        #expect(third.text.contains("max-instances (2)"), "\(third.text)")
        #expect(try node.register(Registrant.orders(1)).status == 204, "a re-registration is not a new instance")
        #expect(try node.heartbeat("ORDERS", Registrant.orders(2).id).status == 200)
        #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/\(Registrant.orders(2).id)").status == 200)
        #expect(try node.register(Registrant.orders(3)).status == 204, "room again after a cancel")
        #expect(node.running.sync { $0.registry.instanceCount } == 2)
    }

    @Test func batchRegistrationsPastTheBoundsAreRefusedItemByItem() throws {
        let node = try TestNode(["--eureka.node.max-instances=1", "--eureka.node.max-metadata-entries=2"])
        defer { node.stop() }
        let t: Int64 = 1_732_440_200_000
        func register(_ id: String, metadata: String = "") -> String {
            let instance = PeerBatchTests.instanceJSON(id, dirty: t).dropLast() + #","metadata":{\#(metadata)}}"#
            return #"{"appName":"ORDERS","id":"\#(id)","action":"Register","instanceInfo":\#(instance)}"#
        }
        let items = [register("big", metadata: #""a":"1","b":"2","c":"3""#), register("a"), register("b"), register("a")]
        let reply = try PeerBatchTests.post(node, #"{"replicationList":["# + items.joined(separator: ",") + "]}")
        #expect(reply.status == 200)
        let root = try JSONSerialization.jsonObject(with: Data(reply.body)) as! [String: Any]
        let codes = (root["responseList"] as! [[String: Any]]).map { $0["statusCode"] as! Int }
        #expect(codes == [400, 200, 503, 200])
        let ids = node.running.sync { node in node.registry.application(named: "ORDERS")?.instances.map(\.effectiveId) }
        #expect(ids == ["a"])
    }

    /// Stale heartbeats of records of ~200 KB each: a 409 body per item would make a reply of 200 KB per item.
    @Test func aBatchReplyCarriesEachRecordOnceAndOnlyUpToItsBudget() throws {
        let node = try TestNode()
        defer { node.stop() }
        node.running.sync { node in
            for n in 0..<5 {
                var record = instance("big-\(n)", app: "ORDERS", dirty: 9_000)
                record.metadata = Metadata((0..<50).map { ("key\($0)", String(repeating: "v", count: 4_000)) })
                _ = node.registry.execute(.register(record, leaseDurationSecs: 90, isReplication: false))
            }
        }
        func stale(_ id: String) -> String {
            #"{"appName":"ORDERS","id":"\#(id)","lastDirtyTimestamp":1,"status":"UP","action":"Heartbeat"}"#
        }
        func post(_ items: [String]) throws -> (bytes: Int, results: [[String: Any]]) {
            let reply = try PeerBatchTests.post(node, #"{"replicationList":["# + items.joined(separator: ",") + "]}")
            #expect(reply.status == 200)
            let root = try JSONSerialization.jsonObject(with: Data(reply.body)) as! [String: Any]
            return (reply.body.count, root["responseList"] as! [[String: Any]])
        }
        // One record, 200 stale heartbeats: its body once.
        let same = try post(Array(repeating: stale("big-0"), count: 200))
        #expect(same.results.count == 200 && same.results.allSatisfy { $0["statusCode"] as? Int == 409 })
        #expect(same.results.filter { $0["responseEntity"] != nil }.count == 1)
        #expect(same.bytes < 250_000, "reply of \(same.bytes) bytes")
        // Five records of 200 KB: bodies until the reply holds the budget (512 KB), then none.
        let distinct = try post((0..<5).flatMap { n in [stale("big-\(n)"), stale("big-\(n)")] })
        #expect(distinct.results.count == 10 && distinct.results.allSatisfy { $0["statusCode"] as? Int == 409 })
        let carried = distinct.results.compactMap { $0["responseEntity"] as? [String: Any] }.compactMap { $0["instanceId"] as? String }
        #expect(carried == ["big-0", "big-1", "big-2"])
        #expect(distinct.bytes < EurekaAPI.batchReplyEntityBudget + 250_000, "reply of \(distinct.bytes) bytes")
    }

    @Test func aGzippedBatchIsHeldToTheBodyLimitOnceInflated() throws {
        let node = try TestNode(["--eureka.node.max-request-body-bytes=100000"])
        defer { node.stop() }
        let item = #"{"appName":"ORDERS","id":"x","lastDirtyTimestamp":1,"status":"UP","action":"Heartbeat"}"#
        let body = #"{"replicationList":["# + Array(repeating: item, count: 2_000).joined(separator: ",") + "]}"
        let gzipped = try #require(Gzip.compress(Array(body.utf8)))
        #expect(gzipped.count < 100_000 && body.utf8.count > 100_000)
        let reply = try node.request(method: "POST", path: "/eureka/peerreplication/batch",
                                     headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip"),
                                               ("Accept", "application/json")], body: gzipped)
        #expect(reply.status == 413)
        #expect(reply.text.contains("too large"))
    }
}
