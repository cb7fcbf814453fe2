import Testing
@testable import Server

/// One peer's sending side (spec 7.6, 7.7) on a manual clock: tasks from registry events, items built at send
/// time, the four outcome classes, and the 404/409 reconciliation, with a transport the test answers.
@Suite struct PeerNodeTests {
    final class Fixture {
        let h = RegistryHarness()
        let transport = RecordingTransport()
        let wakeup = ManualWakeup()
        let replicator: Replicator

        init() {
            let transport = transport
            let wakeup = wakeup
            replicator = Replicator(
                peers: [try! PeerURL(parsing: "http://peer-b:8761/eureka/")], settings: ReplicationSettings(),
                registry: h.registry, time: h.clock, makeTransport: { _ in transport }, makeWakeup: { wakeup })
            let registry = h.registry
            registry.onEvent = { [unowned self] event in
                h.events.append(event)
                replicator.handle(event)
            }
        }

        var peer: PeerNode { replicator.peers[0] }

        /// Lets the batching delay pass and fires the peer's timer.
        func sendDue() {
            h.advance(500)
            wakeup.fire()
        }
    }

    @Test func aClientRegistrationLeavesAfterTheBatchingDelayAsOneRegisterItem() {
        let f = Fixture()
        f.h.register(instance("a", dirty: 1_000))
        #expect(f.transport.batches.isEmpty)
        #expect(f.wakeup.armed?.afterMs == 500)
        f.sendDue()
        #expect(f.transport.batches.count == 1)
        let item = f.transport.batches[0].items[0]
        #expect(item.action == .register && item.id == "a" && item.appName == "ORDERS")
        #expect(item.instance?.info.effectiveId == "a")
    }

    /// A register task's own record (sent when the instance is gone by the time the batch leaves) is the record as
    /// registered, taken when the event fired: the registration event carries the lease itself, which the cancel
    /// then marks DELETED with its eviction time.
    @Test func aRegisterTaskKeepsTheRecordAsRegisteredWhenTheInstanceIsGone() {
        let f = Fixture()
        f.h.register(instance("a", dirty: 1_000))
        f.h.advance(100)
        #expect(f.h.registry.cancel(app: "ORDERS", id: "a", isReplication: false) == .cancelled)
        f.sendDue()
        let items = f.transport.batches[0].items
        #expect(items.map(\.action) == [.register, .cancel])
        let sent = items[0].instance?.info
        #expect(sent?.effectiveId == "a")
        #expect(sent?.actionType == .added)
        #expect(sent?.status == .up)
        #expect(sent?.leaseInfo?.evictionTimestamp == 0)
        #expect(sent?.lastUpdatedTimestamp == f.h.now - 600)
    }

    @Test func replicatedChangesAreNeverSentOn() {
        let f = Fixture()
        f.h.register(instance("a"), replication: true)
        _ = f.h.renew("a", replication: true)
        #expect(f.wakeup.armed == nil)
        #expect(f.peer.report(now: f.h.now).counters.submitted == 0)
    }

    @Test func itemsCarryTheRecordAsItIsWhenTheBatchLeaves() {
        let f = Fixture()
        f.h.register(instance("a", dirty: 1_000), replication: true)  // known here, not sent
        _ = f.h.renew("a")                                              // a client heartbeat: one Heartbeat task
        // A peer's status change arrives before the batch leaves (replicated: no task of its own).
        _ = f.h.registry.statusUpdate(app: "ORDERS", id: "a", to: .outOfService, lastDirtyTimestamp: 5_000, isReplication: true)
        f.sendDue()
        let item = f.transport.batches[0].items[0]
        #expect(item.action == .heartbeat)
        #expect(item.status == "OUT_OF_SERVICE")
        #expect(item.lastDirtyTimestamp == 5_000)
    }

    @Test func aHeartbeatAnswered404IsFollowedByARegister() {
        let f = Fixture()
        f.h.register(instance("a", dirty: 1_000), replication: true)
        _ = f.h.renew("a")
        f.sendDue()
        f.transport.answerBatch(statusCodes: [404])
        f.sendDue()
        #expect(f.transport.batches.count == 1)
        let item = f.transport.batches[0].items[0]
        #expect(item.action == .register && item.instance?.info.lastDirtyTimestamp == 1_000)
    }

    @Test func aHeartbeatAnswered409AdoptsThePeersNewerRecordWithoutSendingIt() {
        let f = Fixture()
        f.h.register(instance("a", dirty: 1_000), replication: true)
        _ = f.h.renew("a")
        f.sendDue()
        var newer = instance("a", status: .outOfService, dirty: 9_000)
        newer.overriddenStatus = .outOfService
        f.transport.answerBatch(statusCodes: [409], entities: [0: newer])
        let stored = f.h.stored("a")
        #expect(stored?.lastDirtyTimestamp == 9_000)
        #expect(stored?.status == .outOfService)
        #expect(f.h.registry.overriddenStatuses.map(\.status) == [.outOfService])
        guard case .registered(_, let isReplication)? = f.h.events.last else {
            Issue.record("expected a registration")
            return
        }
        #expect(isReplication)
        #expect(f.wakeup.armed == nil)  // nothing new to send
    }

    @Test func networkErrorsRetryAfter100MsAndMarkThePeerDown() {
        let f = Fixture()
        f.h.register(instance("a"))
        f.sendDue()
        #expect(f.peer.health.state == .unknown)
        f.transport.answerBatch(.failure(.refused))
        #expect(f.peer.health.state == .down)
        #expect(!f.peer.health.isAvailable)
        #expect(f.wakeup.armed?.afterMs == 100)
        f.h.advance(100)
        f.wakeup.fire()
        #expect(f.transport.batches.count == 1)  // the same register, again
        #expect(f.transport.batches[0].items[0].action == .register)
        f.transport.answerBatch(statusCodes: [200])
        #expect(f.peer.health.state == .up)
        let counters = f.peer.report(now: f.h.now).counters
        #expect(counters.transientErrors == 1 && counters.successes == 1 && counters.retried == 1)
    }

    @Test func a503PausesASecondAndAnotherStatusDropsTheBatch() {
        let f = Fixture()
        f.h.register(instance("a"))
        f.sendDue()
        f.transport.answerBatch(.response(status: 503, body: []))
        #expect(f.peer.health.state == .degraded && f.peer.health.isAvailable)
        #expect(f.wakeup.armed?.afterMs == 1_000)
        f.h.advance(1_000)
        f.wakeup.fire()
        f.transport.answerBatch(.response(status: 500, body: []))
        #expect(f.wakeup.armed == nil)  // permanent: dropped, nothing left to send
        #expect(f.peer.report(now: f.h.now).counters.permanentErrors == 1)
    }

    @Test func anUndecodableReplyIsPermanent() {
        let f = Fixture()
        f.h.register(instance("a"))
        f.sendDue()
        f.transport.answerBatch(.response(status: 200, body: Array("garbage".utf8)))
        #expect(f.peer.health.state == .degraded)
        #expect(f.wakeup.armed == nil)
    }

    @Test func closingClosesTheTransportAndTheTimer() {
        let f = Fixture()
        f.h.register(instance("a"))
        f.replicator.close()
        #expect(f.transport.closed && f.wakeup.closed)
        f.h.register(instance("b"))  // after close: nothing queued, nothing armed
        #expect(f.wakeup.armed == nil)
    }
}
