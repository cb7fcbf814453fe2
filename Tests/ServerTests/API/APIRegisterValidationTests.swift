import Foundation
@testable import Server
import Testing

/// One case of the validation table of spec 2.1: how the body is broken and the message it earns.
struct ValidationCase: Sendable, CustomStringConvertible {
    let number: Int
    let message: String
    let breakBody: @Sendable (inout Registrant) -> Void
    var description: String { "#\(number) \(message)" }

    static let all: [ValidationCase] = [
        ValidationCase(number: 0, message: "cannot parse request body") { $0.app = nil },
        ValidationCase(number: 1, message: "Missing instanceId") { $0.instanceId = nil; $0.hostName = "" },
        ValidationCase(number: 2, message: "Missing hostname") { $0.hostName = "" },
        ValidationCase(number: 2, message: "Missing hostname") { $0.hostName = nil },
        ValidationCase(number: 3, message: "Missing ip address") { $0.ipAddr = "" },
        ValidationCase(number: 3, message: "Missing ip address") { $0.ipAddr = nil },
        ValidationCase(number: 4, message: "Missing appName") { $0.app = "" },
        ValidationCase(number: 5, message: "Mismatched appName, expecting ORDERS but was BILLING") { $0.app = "billing" },
        ValidationCase(number: 6, message: "Missing dataCenterInfo") { $0.hasDataCenterInfo = false },
        ValidationCase(number: 7, message: "Missing dataCenterInfo Name") { $0.dataCenterName = nil },
    ]
}

/// Register validation (spec 2.1 #0-#7, 1.9): 400, the exact message in the body's format, nothing registered.
@Suite(.serialized) struct APIRegisterValidationTests {
    @Test(arguments: ValidationCase.all, BodyFormat.allCases)
    func validationFailureAnswers400WithTheMessageInTheBodysFormatAndRegistersNothing(_ failure: ValidationCase, format: BodyFormat) throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        var registrant = Registrant()
        failure.breakBody(&registrant)
        let reply = try node.register(registrant, format, path: "/eureka/apps/ORDERS")
        #expect(reply.status == 400)
        #expect(reply.header("Content-Type") == format.contentType)
        if format == .json {
            #expect(try JSON.object(reply.body) as? [String: String] == ["error": failure.message])
        } else {
            #expect(reply.text == "<error><message>\(failure.message)</message></error>")
        }
        #expect(try JSON.instances(node.applications()).isEmpty)
    }

    @Test(arguments: [
        ("application/json", #"{"instance":{"hostName":"a""#),
        ("application/json", #"{"application":{"name":"ORDERS"}}"#),
        ("application/json", "not json at all"),
        ("application/xml", "<instance><hostName>a</hostName>"),
        ("application/xml", "<application><name>ORDERS</name></application>"),
    ])
    func undecodableBodyIs400CannotParse(contentType: String, body: String) throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        let reply = try node.request(method: "POST", path: "/eureka/apps/ORDERS",
                                     headers: [("Content-Type", contentType)], body: Array(body.utf8))
        #expect(reply.status == 400)
        let json = contentType.contains("json")
        #expect(reply.text == (json ? #"{"error":"cannot parse request body"}"# : "<error><message>cannot parse request body</message></error>"))
        #expect(try JSON.instances(node.applications()).isEmpty)
    }

    @Test func failedRegistrationLeavesAnEarlierRegistrationUntouched() throws {
        let node = try TestNode(TestNode.liveReads)
        defer { node.stop() }
        try node.register(Registrant())
        var broken = Registrant()
        broken.ipAddr = ""
        broken.metadata = [("changed", "yes")]
        #expect(try node.register(broken).status == 400)
        let stored = try #require(try node.instanceJSON("ORDERS", "orders-1:orders:8080"))
        #expect(stored["ipAddr"] as? String == "10.0.0.5")
        #expect((stored["metadata"] as? [String: String])?["changed"] == nil)
    }
}
