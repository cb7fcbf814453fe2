import Foundation
@testable import Server
import Testing

/// Numbers at the edge of 64 bits in query parameters and bodies: answered, never a trap that ends the node.
@Suite(.serialized) struct APIOverflowTests {
    static let id = "orders-1:orders:8080"
    static let tooBig = "9999999999999999999"  // 19 digits, above Int64.max

    @Test func heartbeatWithDirtyTimestampAboveInt64IsTreatedAsAbsent() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        #expect(try node.heartbeat("ORDERS", Self.id, query: "?lastDirtyTimestamp=\(Self.tooBig)").status == 200)
        #expect(try node.heartbeat("ORDERS", Self.id, query: "?lastDirtyTimestamp=\(Self.tooBig)", replicated: true).status == 200)
        #expect(try node.get("/eureka/apps/ORDERS/\(Self.id)").status == 200)
    }

    @Test func statusUpdateWithDirtyTimestampAboveInt64Is400() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(Registrant())
        let path = "/eureka/apps/ORDERS/\(Self.id)/status?value=DOWN&lastDirtyTimestamp=\(Self.tooBig)"
        #expect(try node.request(method: "PUT", path: path).status == 400)
        #expect(try node.status(of: "ORDERS", Self.id) == "UP")
    }

    static func register(_ node: TestNode, duration: String, _ format: BodyFormat) throws -> RawClient.Reply {
        let body = format == .json
            ? Registrant().json.replacingOccurrences(of: #""durationInSecs":90"#, with: #""durationInSecs":\#(duration)"#)
            : Registrant().xml.replacingOccurrences(of: "<durationInSecs>90<", with: "<durationInSecs>\(duration)<")
        return try node.request(method: "POST", path: "/eureka/apps/ORDERS", headers: [("Content-Type", format.contentType)],
                                body: Array(body.utf8))
    }

    /// Netflix reads the lease intervals as Java ints; larger values overflowed the lease arithmetic here.
    @Test(arguments: ["9223372036854775807", "4611686018427387904", "\(Int64(Int32.max) + 1)"], BodyFormat.allCases)
    func leaseDurationAboveInt32Is400CannotParse(duration: String, format: BodyFormat) throws {
        let node = try TestNode()
        defer { node.stop() }
        let reply = try Self.register(node, duration: duration, format)
        #expect(reply.status == 400)
        #expect(reply.text == (format == .json ? #"{"error":"cannot parse request body"}"#
                                               : "<error><message>cannot parse request body</message></error>"))
        #expect(try node.get("/eureka/apps/ORDERS/\(Self.id)").status == 404)
    }

    @Test func leaseDurationOfInt32MaxIsALongLease() throws {
        let node = try TestNode()
        defer { node.stop() }
        #expect(try Self.register(node, duration: String(Int32.max), .json).status == 204)
        #expect(try node.heartbeat("ORDERS", Self.id).status == 200)
        let lease = try node.instanceJSON("ORDERS", Self.id)?["leaseInfo"] as? [String: Any]
        #expect(lease?["durationInSecs"] as? Int == Int(Int32.max))
        #expect(node.running.sync { node in
            node.registry.evict()
            return node.registry.instanceCount
        } == 1)
    }

    /// JSON fragments of the Java client's body, each replaced by an extreme value.
    static let extremeNumbers: [(String, String)] = [
        (#""$":8080"#, #""$":99999999999999999999999"#), (#""$":8080"#, #""$":-1"#), (#""$":8080"#, #""$":1e400"#),
        (#""$":443"#, #""$":9223372036854775807"#), (#""countryId":1"#, #""countryId":-9223372036854775808"#),
        (#""countryId":1"#, #""countryId":99999999999999999999999"#), (#""countryId":1"#, #""countryId":1.5"#),
        (#""renewalIntervalInSecs":30"#, #""renewalIntervalInSecs":-9223372036854775808"#),
        (#""durationInSecs":90"#, #""durationInSecs":-9223372036854775808"#),
        (#""durationInSecs":90"#, #""durationInSecs":"99999999999999999999999""#),
        (#""durationInSecs":90"#, #""durationInSecs":1e300"#),
        (#""lastDirtyTimestamp":"1732440000000""#, #""lastDirtyTimestamp":"9223372036854775807""#),
        (#""lastDirtyTimestamp":"1732440000000""#, #""lastDirtyTimestamp":-9223372036854775808"#),
        (#""lastDirtyTimestamp":"1732440000000""#, #""lastDirtyTimestamp":"99999999999999999999999""#),
        (#""lastUpdatedTimestamp":"1732440000000""#, #""lastUpdatedTimestamp":"-1""#),
    ]

    @Test func extremeNumbersInARegistrationAreAnsweredAndTheNodeKeepsServing() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(.orders(2))
        for (original, extreme) in Self.extremeNumbers {
            let json = Registrant().json
            try #require(json.contains(original), "\(original)")
            let body = Array(json.replacingOccurrences(of: original, with: extreme).utf8)
            let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS", headers: [("Content-Type", "application/json")], body: body)
            #expect(reply.status == 204 || reply.status == 400, "\(extreme)")
            if reply.status == 204 {
                #expect(try node.heartbeat("ORDERS", Self.id).status == 200, "\(extreme)")
                #expect(try node.get("/eureka/apps/ORDERS/\(Self.id)").status == 200, "\(extreme)")
                #expect(try node.get("/eureka/apps/ORDERS/\(Self.id)", .xml).status == 200, "\(extreme)")
                #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/\(Self.id)").status == 200)
            }
            node.running.sync { $0.registry.evict() }
        }
        #expect(try JSON.ids(node.applications()) == ["orders-2:orders:8080"])
    }
}
