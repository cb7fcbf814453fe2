/// Warm restart's start-up half (docs/warm-restart.md): read the snapshot, check it whole, register its
/// instances as provisional leases. Runs in the node's construction, before the loop turns and so before the node
/// serves anything or starts its start-up sync (the HTTP port is bound after it).
/// Never fatal: a missing file is logged at info, a bad one at warn with the reason, and the node starts empty.
enum SnapshotRestore {
    struct Outcome: Equatable {
        var restored = 0
        /// Reading, decoding and registering, in microseconds.
        var micros = 0
        var skipped: String?
    }

    @discardableResult
    static func run(path: String, registry: InstanceRegistry, time: TimeSource, log: EventLog) -> Outcome {
        let start = Monotonic.micros()
        var outcome = Outcome()
        switch SnapshotFile.read(path) {
        case .missing:
            log.log(.info, "snapshot_missing", [("path", .text(path))])
            return outcome
        case .unreadable(let reason):
            outcome.skipped = reason
        case .bytes(let bytes):
            let now = time.nowMillis()
            do {
                let snapshot = try SnapshotFormat.decode(bytes, now: now)
                outcome.restored = registry.restoreProvisional(snapshot.records)
                outcome.micros = Monotonic.micros() - start
                log.log(.info, "snapshot_restored", [("path", .text(path)), ("instances", .int(outcome.restored)),
                                                     ("age_ms", .int(Int(now - snapshot.createdAt))),
                                                     ("restore_ms", .int(outcome.micros / 1_000))])
                return outcome
            } catch {
                outcome.skipped = error.reason
            }
        }
        outcome.micros = Monotonic.micros() - start
        log.log(.warn, "snapshot_skipped", [("path", .text(path)), ("reason", .text(outcome.skipped ?? ""))])
        return outcome
    }
}
