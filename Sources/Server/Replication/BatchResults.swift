/// Per-item handling of a successful batch (spec 7.7; Netflix `ReplicationTaskProcessor.handleBatchResponse` and
/// the heartbeat task's failure handler in `PeerEurekaNode`). Pure: it decides, the peer node acts.
enum BatchResults {
    struct Report: Sendable, Equatable {
        /// What the peer node must do, in batch order.
        var followUps: [ReplicationFollowUp] = []
        var succeeded = 0
        /// Every non-2xx item, for the log; none is retried (Cancel 404 included).
        var failures: [ItemFailure] = []
        /// Set when the reply's length differed from the batch; then every result was ignored.
        var lengthMismatch: LengthMismatch?

        init() {}
    }

    struct ItemFailure: Sendable, Equatable {
        let taskId: String
        let statusCode: Int
    }

    struct LengthMismatch: Sendable, Equatable {
        let sent: Int
        let received: Int
    }

    /// `results[i]` answers `batch[i]`. `syncWhenTimestampDiffers` is the setting of that name: without it a
    /// peer's newer record is not adopted.
    static func handle(_ batch: [ReplicationTask], _ results: [ReplicationResult],
                              syncWhenTimestampDiffers: Bool) -> Report {
        var report = Report()
        // Results cannot be matched to tasks when the counts differ; upstream logs it as a bug and skips them.
        guard batch.count == results.count else {
            report.lengthMismatch = LengthMismatch(sent: batch.count, received: results.count)
            return report
        }
        for (task, result) in zip(batch, results) {
            if (200..<300).contains(result.statusCode) {
                report.succeeded += 1
                continue
            }
            report.failures.append(ItemFailure(taskId: task.id, statusCode: result.statusCode))
            guard task.kind == .heartbeat else { continue }
            if result.statusCode == 404 {
                report.followUps.append(.reRegister(app: task.app, instanceId: task.instanceId))
            } else if syncWhenTimestampDiffers, let record = result.entity {
                // The receiver answers 409 with its record when that is newer than what the heartbeat carried.
                report.followUps.append(.adopt(PeerRecordAdoption(app: task.app, instanceId: task.instanceId, record: record)))
            }
        }
        return report
    }
}

/// What to do after an item's failure (7.7).
enum ReplicationFollowUp: Sendable, Equatable {
    /// Heartbeat 404: the peer does not know the instance, or holds an older copy. Submit a Register task for it to
    /// the same peer, built from the current local record (`storedInstance(app:id:)`); nothing when the instance
    /// is gone locally (OUR choice; Netflix resends the record captured with the heartbeat).
    case reRegister(app: String, instanceId: String)
    /// Heartbeat 409 carrying the peer's newer record: take it over locally.
    case adopt(PeerRecordAdoption)
}

/// The peer's newer copy of an instance, to be taken over (Netflix `syncInstancesIfTimestampDiffers`).
struct PeerRecordAdoption: Sendable, Equatable {
    /// The heartbeat task's app and id, which the override is stored under.
    let app: String
    let instanceId: String
    let record: InstanceInfo

    /// The peer's override when it has one (set and not UNKNOWN), stored first with storeOverriddenStatusIfRequired
    /// (4.10); then the record is registered with `isReplication = true`, so it is not replicated again (4.12),
    /// with the lease duration of its `leaseInfo` (90 s without one; the lease treats <= 0 the same). Register's
    /// dirty-timestamp rule still keeps a local copy that became newer meanwhile.
    func apply(to registry: InstanceRegistry) {
        if record.overriddenStatus != .unknown {
            registry.storeOverriddenStatusIfRequired(app: app, id: instanceId, status: record.overriddenStatus)
        }
        registry.register(record, leaseDurationSecs: record.leaseInfo?.durationInSecs ?? 90, isReplication: true)
    }
}
