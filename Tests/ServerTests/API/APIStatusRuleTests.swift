import Foundation
@testable import Server
import Testing

/// One worked case of spec 4.3 driven through HTTP: a first registration, an optional operator override,
/// a re-registration, and the status the registry settles on.
struct StatusTransition: Sendable, CustomStringConvertible {
    let first: String
    let override: String?
    let again: String
    let replicated: Bool
    let expected: String
    let rule: Int
    var description: String {
        "\(first)\(override.map { " +override \($0)" } ?? "") then \(replicated ? "replicated " : "")\(again) -> \(expected) (rule \(rule))"
    }

    static let table: [StatusTransition] = [
        StatusTransition(first: "STARTING", override: nil, again: "UP", replicated: false, expected: "UP", rule: 4),
        StatusTransition(first: "UP", override: "OUT_OF_SERVICE", again: "UP", replicated: false, expected: "OUT_OF_SERVICE", rule: 2),
        StatusTransition(first: "UP", override: "OUT_OF_SERVICE", again: "STARTING", replicated: false, expected: "STARTING", rule: 1),
        StatusTransition(first: "UP", override: "OUT_OF_SERVICE", again: "DOWN", replicated: false, expected: "DOWN", rule: 1),
        StatusTransition(first: "UP", override: nil, again: "OUT_OF_SERVICE", replicated: false, expected: "UP", rule: 3),
        StatusTransition(first: "OUT_OF_SERVICE", override: nil, again: "UP", replicated: false, expected: "OUT_OF_SERVICE", rule: 3),
        StatusTransition(first: "OUT_OF_SERVICE", override: nil, again: "UP", replicated: true, expected: "UP", rule: 4),
        StatusTransition(first: "UP", override: nil, again: "DOWN", replicated: false, expected: "DOWN", rule: 1),
        StatusTransition(first: "UP", override: "UNKNOWN", again: "UP", replicated: false, expected: "UNKNOWN", rule: 2),
        StatusTransition(first: "UP", override: "DOWN", again: "UP", replicated: true, expected: "DOWN", rule: 2),
    ]
}

/// The status override rules of spec 4.3 as a client sees them over HTTP.
@Suite(.serialized) struct APIStatusRuleTests {
    static let id = "orders-1:orders:8080"

    @Test(arguments: StatusTransition.table)
    func reRegistrationFollowsTheOverrideRules(_ transition: StatusTransition) throws {
        let node = try TestNode()
        defer { node.stop() }
        #expect(try node.register(.orders(1, status: transition.first)).status == 204)
        #expect(try node.status(of: "ORDERS", Self.id) == transition.first)  // a new instance: rule 1 or 4
        if let override = transition.override {
            #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/\(Self.id)/status?value=\(override)").status == 200)
        }
        #expect(try node.register(.orders(1, status: transition.again), replicated: transition.replicated).status == 204)
        #expect(try node.status(of: "ORDERS", Self.id) == transition.expected)
        if let override = transition.override {  // rule 1 believes the instance but keeps the override
            let overrides = try JSON.object(node.get("/eureka/serverinfo/statusoverrides").body) as? [String: String]
            #expect(overrides == [Self.id: override])
        }
    }

    @Test func downRegistrationOfANewInstanceIsBelievedAndRenewsKeepIt() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(.orders(1, status: "DOWN"))
        #expect(try node.status(of: "ORDERS", Self.id) == "DOWN")
        #expect(try node.heartbeat("ORDERS", Self.id).status == 200)
        #expect(try node.status(of: "ORDERS", Self.id) == "DOWN")
    }

    @Test func unknownOverrideMakesEveryHeartbeat404UntilRemoved() throws {
        let node = try TestNode()
        defer { node.stop() }
        try node.register(.orders(1))
        #expect(try node.request(method: "PUT", path: "/eureka/apps/ORDERS/\(Self.id)/status?value=UNKNOWN").status == 200)
        #expect(try node.heartbeat("ORDERS", Self.id).status == 404)
        try node.register(.orders(1))
        #expect(try node.status(of: "ORDERS", Self.id) == "UNKNOWN")
        #expect(try node.heartbeat("ORDERS", Self.id).status == 404)
        #expect(try node.request(method: "DELETE", path: "/eureka/apps/ORDERS/\(Self.id)/status?value=UP").status == 200)
        #expect(try node.heartbeat("ORDERS", Self.id).status == 200)
        #expect(try node.status(of: "ORDERS", Self.id) == "UP")
    }

    @Test func overrideSentInTheRegistrationBodyIsTakenIn() throws {
        let node = try TestNode()
        defer { node.stop() }
        var registrant = Registrant.orders(1)
        registrant.overriddenStatus = "OUT_OF_SERVICE"
        try node.register(registrant, .xml, replicated: true)
        #expect(try node.status(of: "ORDERS", Self.id) == "OUT_OF_SERVICE")
        let overrides = try JSON.object(node.get("/eureka/serverinfo/statusoverrides").body) as? [String: String]
        #expect(overrides == [Self.id: "OUT_OF_SERVICE"])
    }
}
