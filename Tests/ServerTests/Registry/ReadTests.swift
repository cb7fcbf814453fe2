import Testing
@testable import Server

@Suite struct RegistryReadTests {
    @Test func fullRegistryIsSortedDecoratedAndHashedOverAll() {
        let h = RegistryHarness { $0.serverInstanceId = "self" }
        h.register(instance("z"))
        h.register(instance("a", status: .down))
        h.register(instance("self", app: "EUREKA"))
        h.register(instance("m"))
        let full = h.registry.fullApplications()
        #expect(full.versionsDelta == 1)
        #expect(full.appsHashCode == "DOWN_1_UP_3_")
        #expect(full.applications.map(\.name) == ["EUREKA", "ORDERS"])
        #expect(full.applications[1].instances.map(\.effectiveId) == ["a", "m", "z"])
        #expect(full.allInstances.allSatisfy { $0.leaseInfo?.registrationTimestamp == h.now })
        #expect(full.applications[0].instances[0].isCoordinatingDiscoveryServer)
        #expect(!full.applications[1].instances[0].isCoordinatingDiscoveryServer)
    }

    @Test func emptyRegistryHasEmptyHashCode() {
        let full = RegistryHarness().registry.fullApplications()
        #expect(full.appsHashCode == "")
        #expect(full.applications.isEmpty)
    }

    @Test func fullRegistryListsExpiredButNotEvictedLeases() {
        let h = RegistryHarness { $0.enableSelfPreservation = false }
        h.register(instance("a"))
        h.advance(500_000)
        #expect(h.registry.fullApplications().allInstances.count == 1)
        #expect(h.registry.application(named: "ORDERS")?.instances.count == 1)
    }

    @Test func applicationIsNilWithoutLease() {
        let h = RegistryHarness()
        #expect(h.registry.application(named: "ORDERS") == nil)
        h.register(instance("b"))
        h.register(instance("a"))
        #expect(h.registry.application(named: "ORDERS")?.instances.map(\.effectiveId) == ["a", "b"])
    }

    @Test func vipMatchesWholeCommaSeparatedElementsExactly() {
        let h = RegistryHarness()
        h.register(instance("a", vip: "billing,billing-v2"))
        h.register(instance("b", vip: "billing-v2", secureVip: "billing"))
        h.register(instance("c", app: "PAY", status: .down, vip: "billing"))
        h.register(instance("d", vip: " billing,Billing,billingx"))
        let answer = h.registry.vipApplications("billing", secure: false)
        #expect(answer.versionsDelta == -1)
        #expect(answer.allInstances.map(\.effectiveId) == ["a", "c"])
        #expect(answer.applications.map(\.name) == ["ORDERS", "PAY"])
        #expect(answer.appsHashCode == "DOWN_1_UP_1_")
        #expect(h.registry.vipApplications("billing-v2", secure: false).allInstances.map(\.effectiveId) == ["a", "b"])
        #expect(h.registry.vipApplications("billing", secure: true).allInstances.map(\.effectiveId) == ["b"])
    }

    @Test func unknownVipIsAnEmptyDocument() {
        let answer = RegistryHarness().registry.vipApplications("nope", secure: false)
        #expect(answer == Applications(versionsDelta: -1, appsHashCode: "", applications: []))
    }

    @Test func visibleInstanceHidesExpiredLeaseOnlyWhenExpirationEnabled() {
        let preserving = RegistryHarness()
        preserving.register(instance("a"))
        preserving.advance(90_001)
        #expect(!preserving.registry.isLeaseExpirationEnabled)
        #expect(preserving.registry.visibleInstance(app: "ORDERS", id: "a") != nil)
        #expect(preserving.registry.visibleInstance(id: "a") != nil)

        let expiring = RegistryHarness { $0.enableSelfPreservation = false }
        expiring.register(instance("a"))
        expiring.advance(90_000)
        #expect(expiring.registry.visibleInstance(app: "ORDERS", id: "a") != nil)
        expiring.advance(1)
        #expect(expiring.registry.visibleInstance(app: "ORDERS", id: "a") == nil)
        #expect(expiring.registry.visibleInstance(id: "a") == nil)
        #expect(expiring.registry.storedInstance(app: "ORDERS", id: "a") != nil)
        #expect(expiring.registry.updateMetadata(app: "ORDERS", id: "a", entries: Metadata()) == .unknownInstance)
        // Renew looks at the lease map directly (4.11), which brings the lease back.
        #expect(expiring.renew("a") == .renewed)
        #expect(expiring.stored("a")?.lastDirtyTimestamp == 1_000)
        #expect(expiring.registry.visibleInstance(app: "ORDERS", id: "a") != nil)
    }

    @Test func instanceByIdSearchesEveryApplication() {
        let h = RegistryHarness()
        h.register(instance("x", app: "BILLING"))
        #expect(h.registry.visibleInstance(id: "x")?.app == "BILLING")
        #expect(h.registry.visibleInstance(id: "y") == nil)
    }

    @Test func overriddenStatusesListIsSortedById() {
        let h = RegistryHarness()
        h.register(instance("b"))
        h.register(instance("a"))
        _ = h.registry.statusUpdate(app: "ORDERS", id: "b", to: .down, lastDirtyTimestamp: nil, isReplication: false)
        _ = h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: nil, isReplication: false)
        let list = h.registry.overriddenStatuses
        #expect(list.map(\.id) == ["a", "b"])
        #expect(list.map(\.status) == [.outOfService, .down])
    }

    @Test func systemTimeSourceReadsTheWallClockInMilliseconds() {
        let now = SystemTimeSource().nowMillis()
        #expect(now > 1_600_000_000_000 && now < 10_000_000_000_000)
    }
}
