/// What the node logs, from its event fan-out and from small hooks (eviction runs, self-preservation, peer
/// health, the start-up sync); the registry's rules know nothing of it. Loop-confined.
final class NodeLog {
    let log: EventLog
    private let registry: InstanceRegistry
    private let selfPreservationEnabled: Bool
    /// Whether self-preservation held expiry off at the last check.
    private var preserving: Bool

    init(log: EventLog, registry: InstanceRegistry, selfPreservationEnabled: Bool) {
        self.log = log
        self.registry = registry
        self.selfPreservationEnabled = selfPreservationEnabled
        preserving = selfPreservationEnabled && !registry.isLeaseExpirationEnabled
    }

    /// From `registry.onEvent`. Heartbeats, status updates and corrections are debug lines; a heartbeat renders
    /// nothing unless debug is on (and it only arrives here when replication asked for heartbeat events). Each line's
    /// fields go straight into its buffer (no array of fields), and a line below the threshold costs a comparison.
    func event(_ event: RegistryEvent) {
        switch event {
        case .heartbeat(let beat):
            log.log(.debug, "renewed") { line in
                line.text("app", beat.app)
                line.text("id", beat.id)
                line.bool("replication", beat.isReplication)
            }
        case .registered(let registration, let isReplication):
            // Fields read from the lease one by one: no copy of its record.
            let lease = registration.lease
            log.log(.info, "registered") { line in
                line.text("app", lease.instance.app)
                line.text("id", lease.id)
                line.text("status", lease.instance.status.rawValue)
                line.bool("replaced", registration.replaced != nil)
                line.bool("replication", isReplication)
            }
        case .cancelled(let record, let isReplication):
            log.log(.info, "cancelled") { line in
                line.text("app", record.app)
                line.text("id", record.effectiveId)
                line.bool("replication", isReplication)
            }
        case .evicted(let record):
            log.log(.debug, "evicted") { line in
                line.text("app", record.app)
                line.text("id", record.effectiveId)
            }
        case .statusUpdated(let record, let changed, let isReplication):
            log.log(.debug, "status_updated") { line in
                line.text("app", record.app)
                line.text("id", record.effectiveId)
                line.text("status", record.status.rawValue)
                line.bool("changed", changed)
                line.bool("replication", isReplication)
            }
        case .statusOverrideDeleted(let record, let removed, let isReplication):
            log.log(.debug, "status_override_deleted") { line in
                line.text("app", record.app)
                line.text("id", record.effectiveId)
                line.bool("removed", removed)
                line.bool("replication", isReplication)
            }
        case .statusCorrected(let record):
            log.log(.debug, "status_corrected") { line in
                line.text("app", record.app)
                line.text("id", record.effectiveId)
                line.text("status", record.status.rawValue)
            }
        }
    }

    /// The allocator was asked to return freed pages after a large release or a pool build; the loop stood still
    /// this long. Info from 1 ms, debug below: after every document build, the short ones would fill the log.
    func heapTrimmed(micros: Int) {
        log.log(micros >= 1_000 ? .info : .debug, "heap_trimmed", [("loop_us", .int(micros))])
    }

    /// One line per eviction run: info when something was evicted, debug otherwise.
    func evictionRun(_ run: (expired: Int, evicted: Int)?) {
        guard let run else { return }
        log.log(run.evicted > 0 ? .info : .debug, "eviction_run", [("expired", .int(run.expired)), ("evicted", .int(run.evicted)),
                                                                    ("total", .int(registry.evictedTotal))])
    }

    /// After every timer tick and the opening: a line when self-preservation was entered or left, with its inputs.
    func checkSelfPreservation() {
        let now = selfPreservationEnabled && !registry.isLeaseExpirationEnabled
        guard now != preserving else { return }
        preserving = now
        let inputs = registry.selfPreservation
        log.log(now ? .warn : .info, now ? "self_preservation_entered" : "self_preservation_left",
                [("expected", .int(inputs.expected)), ("threshold", .int(inputs.threshold)),
                 ("renews_last_minute", .int(inputs.renewsLastMinute))])
    }

    /// A peer's state change (info; warn when it went down or degraded) and every failure, the latter limited per
    /// peer: a dead peer writes one line per window with the count of those left out.
    /// One info line per anti-entropy round that pushed repairs (docs/anti-entropy.md), counts by action; quiet rounds
    /// log nothing.
    func antiEntropyRepaired(peer: String, _ counts: [String: Int]) {
        var fields: [(String, LogValue)] = [("peer", .text(peer))]
        for (action, count) in counts.sorted(by: { $0.key < $1.key }) { fields.append((action, .int(count))) }
        log.log(.info, "anti_entropy_repairs", fields)
    }

    func peerHealth(url: String, from old: PeerHealth.State, _ health: PeerHealth) {
        let reason = health.lastError?.reason ?? ""
        if health.state != old {
            let suppressed = log.resetLimit(url)
            var fields: [(String, LogValue)] = [("peer", .text(url)), ("from", .text(old.rawValue)), ("to", .text(health.state.rawValue))]
            if health.state != .up { fields.append(("reason", .text(reason))) }
            if suppressed > 0 { fields.append(("suppressed", .int(suppressed))) }
            log.log(health.state == .up ? .info : .warn, "peer_state", fields)
            if health.state != .up { log.countAsLimited(url) }  // the state line announces this failure
        } else if health.state != .up {
            log.limited(url, .warn, "peer_failure", [("peer", .text(url)), ("state", .text(health.state.rawValue)),
                                                    ("reason", .text(reason)), ("failures", .int(health.failures))])
        }
    }

    /// A registration a bound refused (issue #18): warn, at most one line per reason and window, so a client or
    /// peer retrying against a full registry cannot flood the log.
    func registrationRefused(_ rejection: RegistryRejection, _ record: InstanceInfo, isReplication: Bool) {
        let key = switch rejection {
        case .registryFull: "registration_refused.registry_full"
        case .recordTooLarge: "registration_refused.record_too_large"
        }
        log.limited(key, .warn, "registration_refused", [("app", .text(record.app)), ("id", .text(record.effectiveId)),
                                                         ("reason", .text(rejection.message)),
                                                         ("replication", .bool(isReplication))])
    }

    func syncResult(_ result: StartupSync.Result) {
        log.log(result.anyPeerAnswered ? .info : .warn, "startup_sync",
                [("copied", .int(result.copied)), ("answered", .bool(result.anyPeerAnswered)), ("attempts", .int(result.attempts))])
    }
}

extension NodeLog {
    /// One line per snapshot write (warm restart): info with its figures, warn when the file could not be written.
    func snapshotWritten(_ report: SnapshotScheduler.Report) {
        if let error = report.error {
            log.log(.warn, "snapshot_failed", [("reason", .text(error)), ("instances", .int(report.instances))])
            return
        }
        log.log(.info, "snapshot_written", [("instances", .int(report.instances)), ("bytes", .int(report.bytes)),
                                            ("slices", .int(report.slices)), ("max_slice_us", .int(report.maxSliceMicros)),
                                            ("max_slice_cpu_us", .int(report.maxSliceCPUMicros)),
                                            ("copy_us", .int(report.copyMicros)), ("encode_us", .int(report.encodeMicros)),
                                            ("write_us", .int(report.writeMicros))])
    }
}
