@testable import Server
import Testing

/// Replication tasks (spec 7.6): ids, expiry, and the batch item built at send time (7.4).
@Suite struct ReplicationTaskTests {
    let t0: Int64 = 1_700_000_000_000

    private func record(renewal: Int? = 30, status: InstanceStatus = .up, dirty: Int64 = 1_000) -> InstanceInfo {
        var info = instance("orders-1:orders:8080", status: status, dirty: dirty)
        info.leaseInfo = renewal.map { LeaseInfo(renewalIntervalInSecs: $0, durationInSecs: 90) }
        return info
    }

    @Test(arguments: [
        (ReplicationAction.register(InstanceInfo()), "register#ORDERS/orders-1:orders:8080"),
        (.heartbeat(status: .up, lastDirtyTimestamp: 1, overriddenStatus: nil), "heartbeat#ORDERS/orders-1:orders:8080"),
        (.cancel, "cancel#ORDERS/orders-1:orders:8080"),
        (.statusUpdate(status: .down, lastDirtyTimestamp: 1), "statusUpdate#ORDERS/orders-1:orders:8080"),
        (.deleteStatusOverride(status: .unknown, lastDirtyTimestamp: 1), "deleteStatusOverride#ORDERS/orders-1:orders:8080"),
    ])
    func idIsKindAppAndInstance(_ action: ReplicationAction, _ id: String) {
        let task = ReplicationTask(app: "ORDERS", instanceId: "orders-1:orders:8080", action: action, submittedAt: t0, expiresAt: t0 + 1)
        #expect(task.id == id)
        #expect(task.kind.taskName == String(id.prefix(while: { $0 != "#" })))
    }

    @Test func registerAndHeartbeatLiveOneRenewalIntervalOfTheRecord() {
        let heartbeat = ReplicationAction.heartbeat(status: .up, lastDirtyTimestamp: 1, overriddenStatus: nil)
        for action in [ReplicationAction.register(record()), heartbeat] {
            func expiry(_ lease: LeaseInfo?) -> Int64 {
                ReplicationTask(app: "ORDERS", instanceId: "i", action: action, leaseInfo: lease, submittedAt: t0,
                                maxTimeForReplication: 7_000).expiresAt - t0
            }
            #expect(expiry(LeaseInfo()) == 30_000)
            #expect(expiry(LeaseInfo(renewalIntervalInSecs: 5, durationInSecs: 15)) == 5_000)
            #expect(expiry(nil) == 90_000)  // no leaseInfo: Netflix's lease-duration default
            #expect(expiry(LeaseInfo(renewalIntervalInSecs: 0, durationInSecs: 90)) == 30_000)
        }
    }

    @Test func cancelAndStatusTasksLiveMaxTimeForReplication() {
        let actions: [ReplicationAction] = [.cancel, .statusUpdate(status: .down, lastDirtyTimestamp: 1),
                                            .deleteStatusOverride(status: .up, lastDirtyTimestamp: 1)]
        for action in actions {
            let task = ReplicationTask(app: "ORDERS", instanceId: "i", action: action, leaseInfo: LeaseInfo(renewalIntervalInSecs: 5),
                                       submittedAt: t0, maxTimeForReplication: 7_000)
            #expect(task.expiresAt == t0 + 7_000)
            #expect(!task.isExpired(at: t0 + 6_999))
            #expect(task.isExpired(at: t0 + 7_000))
        }
    }

    @Test func registerItemCarriesTheCurrentRecordElseTheSubmittedOne() {
        let submitted = record(status: .starting, dirty: 1_000)
        let task = ReplicationTask(app: "ORDERS", instanceId: "orders-1:orders:8080", action: .register(submitted),
                                   submittedAt: t0, expiresAt: t0 + 30_000)
        let current = record(status: .up, dirty: 2_000)
        let item = task.item(current: current)
        #expect(item.action == .register)
        #expect(item.instance?.info == current)
        #expect(item.lastDirtyTimestamp == 2_000)
        #expect(item.status == "UP")
        #expect(item.overriddenStatus == nil)
        let gone = task.item(current: nil)
        #expect(gone.instance?.info == submitted)
        #expect(gone.lastDirtyTimestamp == 1_000 && gone.status == "STARTING")
    }

    @Test func heartbeatItemReadsTheRecordButKeepsTheOverrideItWasQueuedWith() {
        let task = ReplicationTask(app: "ORDERS", instanceId: "orders-2:orders:8080",
                                   action: .heartbeat(status: .up, lastDirtyTimestamp: 900, overriddenStatus: .outOfService),
                                   submittedAt: t0, expiresAt: t0 + 30_000)
        let item = task.item(current: record(status: .outOfService, dirty: 1_732_440_000_900))
        #expect(String(decoding: ReplicationListCodec.encodeRequest([item]), as: UTF8.self)
            == #"{"replicationList":[{"appName":"ORDERS","id":"orders-2:orders:8080","lastDirtyTimestamp":1732440000900,"#
            + #""overriddenStatus":"OUT_OF_SERVICE","status":"OUT_OF_SERVICE","action":"Heartbeat"}]}"#)
        let gone = task.item(current: nil)
        #expect(gone.status == "UP" && gone.lastDirtyTimestamp == 900 && gone.overriddenStatus == "OUT_OF_SERVICE")
    }

    @Test func statusItemsReadTheRecordAndCancelCarriesOnlyIds() {
        let update = ReplicationTask(app: "BILLING", instanceId: "i-0abc123", action: .statusUpdate(status: .outOfService, lastDirtyTimestamp: 5),
                                     submittedAt: t0, expiresAt: t0 + 30_000)
        let item = update.item(current: record(status: .down, dirty: 9))
        #expect(item.action == .statusUpdate && item.status == "DOWN" && item.lastDirtyTimestamp == 9)
        let removal = ReplicationTask(app: "ORDERS", instanceId: "x", action: .deleteStatusOverride(status: .unknown, lastDirtyTimestamp: 5),
                                      submittedAt: t0, expiresAt: t0 + 30_000)
        let removed = removal.item(current: nil)
        #expect(removed.action == .deleteStatusOverride && removed.status == "UNKNOWN" && removed.lastDirtyTimestamp == 5)
        let cancel = ReplicationTask(app: "ORDERS", instanceId: "x", action: .cancel, submittedAt: t0, expiresAt: t0 + 30_000)
        #expect(cancel.item(current: record()) == ReplicationItem(action: .cancel, appName: "ORDERS", id: "x"))
    }
}
