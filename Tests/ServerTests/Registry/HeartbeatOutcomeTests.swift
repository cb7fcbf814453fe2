import Testing
@testable import Server

/// The heartbeat's dirty-timestamp table (spec 2.2 step 3) and the command outcomes, owned by the registry and
/// tested without sockets.
@Suite struct HeartbeatOutcomeTests {
    private func beat(_ h: RegistryHarness, _ id: String, dirty: Int64?, override: InstanceStatus? = nil,
                      replication: Bool) -> RenewOutcome {
        h.registry.renew(app: "ORDERS", id: id, lastDirtyTimestamp: dirty, overriddenStatus: override, isReplication: replication)
    }

    @Test func absentOrEqualTimestampRenews() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 5_000))
        #expect(beat(h, "a", dirty: nil, replication: false) == .renewed)
        #expect(beat(h, "a", dirty: 5_000, replication: false) == .renewed)
        #expect(beat(h, "a", dirty: 5_000, replication: true) == .renewed)
    }

    @Test func newerSenderIsToldToRegisterAfterTheLeaseWasRenewed() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 5_000))
        h.advance(10_000)
        #expect(beat(h, "a", dirty: 6_000, replication: false) == .senderNewer)
        #expect(h.stored("a")?.leaseInfo?.lastRenewalTimestamp == h.now + 90_000)  // renewed all the same
        #expect(h.events.last?.replication == .heartbeat(status: .up, lastDirtyTimestamp: 5_000, overriddenStatus: nil))
    }

    @Test func newerPeerStoresItsOverrideWithoutApplyingIt() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 5_000))
        #expect(beat(h, "a", dirty: 6_000, override: .outOfService, replication: true) == .senderNewer)
        #expect(h.registry.overriddenStatuses.map(\.status) == [.outOfService])
        #expect(h.stored("a")?.status == .up)
        // UNKNOWN is never stored, and a client's override is ignored.
        let other = RegistryHarness()
        other.register(instance("b", dirty: 5_000))
        #expect(beat(other, "b", dirty: 6_000, override: .unknown, replication: true) == .senderNewer)
        #expect(beat(other, "b", dirty: 6_000, override: .down, replication: false) == .senderNewer)
        #expect(other.registry.overriddenStatuses.isEmpty)
    }

    @Test func olderPeerGetsTheStoredRecordButAnOlderClientIsFine() {
        let h = RegistryHarness()
        h.register(instance("a", dirty: 5_000))
        #expect(beat(h, "a", dirty: 4_000, replication: false) == .renewed)
        guard case .registryNewer(let record) = beat(h, "a", dirty: 4_000, replication: true) else {
            Issue.record("expected registryNewer")
            return
        }
        #expect(record.lastDirtyTimestamp == 5_000)
        #expect(record.effectiveId == "a")
    }

    @Test func checkOffRenewsWhateverTheTimestamp() {
        let h = RegistryHarness { $0.syncWhenTimestampDiffers = false }
        h.register(instance("a", dirty: 5_000))
        #expect(beat(h, "a", dirty: 9_000, replication: true) == .renewed)
        #expect(beat(h, "a", dirty: 1_000, replication: true) == .renewed)
    }

    @Test func unknownInstanceRenewsNothing() {
        let h = RegistryHarness()
        #expect(beat(h, "ghost", dirty: 1, replication: true) == .unknownInstance)
        #expect(h.events.isEmpty)
    }

    @Test func commandsReportWhatHappened() {
        let h = RegistryHarness()
        let record = instance("a", dirty: 5_000)
        #expect(h.registry.execute(.register(record, leaseDurationSecs: 90, isReplication: false)) == .registered)
        #expect(h.stored("a")?.effectiveId == "a")
        #expect(h.registry.execute(.statusUpdate(app: "ORDERS", id: "a", status: .down, lastDirtyTimestamp: nil, isReplication: false))
            == .statusUpdate(.updated))
        #expect(h.registry.execute(.statusUpdate(app: "ORDERS", id: "a", status: .down, lastDirtyTimestamp: nil, isReplication: false))
            == .statusUpdate(.unchanged))
        #expect(h.registry.execute(.deleteStatusOverride(app: "ORDERS", id: "a", newStatus: .up, lastDirtyTimestamp: nil, isReplication: false))
            == .overrideRemoval(.removed))
        #expect(h.registry.execute(.deleteStatusOverride(app: "ORDERS", id: "a", newStatus: .up, lastDirtyTimestamp: nil, isReplication: false))
            == .overrideRemoval(.noOverride))
        #expect(h.registry.execute(.updateMetadata(app: "ORDERS", id: "a", entries: Metadata([("k", "v")]))) == .metadata(.updated))
        #expect(h.registry.execute(.renew(app: "ORDERS", id: "a", lastDirtyTimestamp: nil, overriddenStatus: nil, isReplication: false))
            == .renew(.renewed))
        #expect(h.registry.execute(.cancel(app: "ORDERS", id: "a", isReplication: false)) == .cancel(.cancelled))
        #expect(h.registry.execute(.cancel(app: "ORDERS", id: "a", isReplication: false)) == .cancel(.unknownInstance))
        #expect(h.registry.execute(.statusUpdate(app: "ORDERS", id: "a", status: .up, lastDirtyTimestamp: nil, isReplication: false))
            == .statusUpdate(.unknownInstance))
        #expect(h.registry.execute(.updateMetadata(app: "ORDERS", id: "a", entries: Metadata())) == .metadata(.unknownInstance))
    }

    @Test func statusChangesOfAnExpiredLeaseAreUnknown() {
        let h = RegistryHarness { $0.enableSelfPreservation = false }
        h.register(instance("a"))
        h.advance(90_001)
        #expect(h.registry.statusUpdate(app: "ORDERS", id: "a", to: .down, lastDirtyTimestamp: nil, isReplication: false) == .unknownInstance)
        #expect(h.registry.deleteStatusOverride(app: "ORDERS", id: "a", newStatus: .up, lastDirtyTimestamp: nil, isReplication: false)
            == .unknownInstance)
    }
}
