@testable import Server
import Testing

/// Outcome classes of a sent batch (spec 7.6) and the per-item follow-ups of a successful one (7.7).
@Suite struct BatchResultsTests {
    let t0: Int64 = 1_700_000_000_000

    @Test(arguments: [(200, BatchOutcome.success), (204, .success), (299, .success), (503, .congestion), (500, .permanent),
                      (502, .permanent), (404, .permanent), (401, .permanent), (302, .permanent), (100, .permanent)])
    func statusCodesClassify(_ status: Int, _ outcome: BatchOutcome) {
        #expect(BatchOutcome(statusCode: status) == outcome)
    }

    @Test(arguments: [(TransportFailure.readTimeout, BatchOutcome.congestion), (.connectTimeout, .transient), (.refused, .transient),
                      (.reset, .transient), (.resolveFailed, .transient), (.closed, .transient), (.badResponse, .permanent),
                      (.tooLarge, .permanent)])
    func transportFailuresClassify(_ failure: TransportFailure, _ outcome: BatchOutcome) {
        #expect(BatchOutcome(failure) == outcome)
    }

    private func task(_ action: ReplicationAction, _ id: String) -> ReplicationTask {
        ReplicationTask(app: "ORDERS", instanceId: id, action: action, submittedAt: t0, expiresAt: t0 + 30_000)
    }

    private let beat = ReplicationAction.heartbeat(status: .up, lastDirtyTimestamp: 1_000, overriddenStatus: nil)

    @Test func heartbeat404AsksForARegisterAnd409ForAnAdoption() {
        var newer = instance("b", dirty: 2_000)
        newer.overriddenStatus = .outOfService
        let batch = [task(.register(instance("a")), "a"), task(beat, "a"), task(beat, "b"), task(.cancel, "c"), task(beat, "d"),
                     task(.statusUpdate(status: .down, lastDirtyTimestamp: 1), "e")]
        let results = [ReplicationResult(statusCode: 200), ReplicationResult(statusCode: 404),
                       ReplicationResult(statusCode: 409, entity: newer), ReplicationResult(statusCode: 404),
                       ReplicationResult(statusCode: 409), ReplicationResult(statusCode: 500)]
        let report = BatchResults.handle(batch, results, syncWhenTimestampDiffers: true)
        #expect(report.succeeded == 1)
        #expect(report.followUps == [.reRegister(app: "ORDERS", instanceId: "a"),
                                     .adopt(PeerRecordAdoption(app: "ORDERS", instanceId: "b", record: newer))])
        #expect(report.failures.map(\.taskId) == ["heartbeat#ORDERS/a", "heartbeat#ORDERS/b", "cancel#ORDERS/c", "heartbeat#ORDERS/d",
                                                  "statusUpdate#ORDERS/e"])
        #expect(report.failures.map(\.statusCode) == [404, 409, 404, 409, 500])
        #expect(report.lengthMismatch == nil)
    }

    @Test func withoutSyncWhenTimestampDiffersNothingIsAdopted() {
        let report = BatchResults.handle([task(beat, "b")], [ReplicationResult(statusCode: 409, entity: instance("b", dirty: 2_000))],
                                         syncWhenTimestampDiffers: false)
        #expect(report.followUps.isEmpty)
        #expect(report.failures.count == 1)
    }

    @Test func aReplyOfAnotherLengthIsIgnoredWhole() {
        let batch = [task(beat, "a"), task(beat, "b")]
        let report = BatchResults.handle(batch, [ReplicationResult(statusCode: 404)], syncWhenTimestampDiffers: true)
        #expect(report.lengthMismatch == BatchResults.LengthMismatch(sent: 2, received: 1))
        #expect(report.followUps.isEmpty && report.failures.isEmpty && report.succeeded == 0)

        let dispatcher = BatchDispatcher()
        dispatcher.record(report)
        dispatcher.record(BatchResults.handle(batch, [ReplicationResult(statusCode: 200), ReplicationResult(statusCode: 404)],
                                              syncWhenTimestampDiffers: true))
        #expect(dispatcher.counters.lengthMismatches == 1)
        #expect(dispatcher.counters.itemsSucceeded == 1 && dispatcher.counters.itemsFailed == 1)
        #expect(dispatcher.counters.reRegistersRequested == 1 && dispatcher.counters.adoptionsRequested == 0)
    }

    @Test func adoptionStoresThePeersOverrideAndRegistersWithoutReplicating() {
        let harness = RegistryHarness()
        harness.register(instance("b", dirty: 1_000))
        var newer = instance("b", dirty: 2_000)
        newer.overriddenStatus = .outOfService
        newer.leaseInfo = LeaseInfo(renewalIntervalInSecs: 10, durationInSecs: 40)
        harness.events.removeAll()

        PeerRecordAdoption(app: "ORDERS", instanceId: "b", record: newer).apply(to: harness.registry)
        #expect(harness.registry.overriddenStatus(id: "b") == .outOfService)
        let stored = harness.stored("b")
        #expect(stored?.lastDirtyTimestamp == 2_000)
        #expect(stored?.status == .outOfService)  // the rule chain applies the stored override
        #expect(stored?.leaseInfo?.durationInSecs == 40)
        #expect(harness.events.count == 1)
        #expect(harness.events.allSatisfy { $0.replication == nil })  // adopted records are not sent on (4.12)
    }

    @Test func adoptionWithoutAnOverrideStoresNone() {
        let harness = RegistryHarness()
        PeerRecordAdoption(app: "ORDERS", instanceId: "c", record: instance("c", dirty: 2_000)).apply(to: harness.registry)
        #expect(harness.registry.overriddenStatus(id: "c") == nil)
        #expect(harness.stored("c")?.status == .up)
    }
}
