import Testing
@testable import Server

/// The VIP index enters a name listed as both VIP and secure VIP once with both marks; what it answers is what two
/// separate entries answered, and removing either list leaves the other.
@Suite struct VipIndexTests {
    @Test func namesInBothListsInOneOrTheOther() {
        var index = VipIndex()
        index.add(app: "ORDERS", id: "a", vips: ["orders", "shared", "orders"], secureVips: ["shared", "secure-only", "secure-only"])
        index.add(app: "ORDERS", id: "b", vips: ["shared"], secureVips: [])
        #expect(index.members(of: "orders") == ["ORDERS": ["a"]])
        #expect(index.members(of: "shared") == ["ORDERS": ["a", "b"]])
        #expect(index.members(of: "secure-only").isEmpty)
        #expect(index.members(of: "shared", secure: true) == ["ORDERS": ["a"]])
        #expect(index.members(of: "secure-only", secure: true) == ["ORDERS": ["a"]])
        #expect(index.members(of: "orders", secure: true).isEmpty)
        #expect(index.nameCount == 2 && index.nameCount(secure: true) == 2)

        index.remove(app: "ORDERS", id: "a", vips: ["orders", "shared"], secureVips: [])
        #expect(index.members(of: "shared") == ["ORDERS": ["b"]])
        #expect(index.members(of: "shared", secure: true) == ["ORDERS": ["a"]])
        index.remove(app: "ORDERS", id: "a", vips: [], secureVips: ["shared", "secure-only"])
        index.remove(app: "ORDERS", id: "b", vips: ["shared"], secureVips: [])
        #expect(index.members.isEmpty)
    }
}
