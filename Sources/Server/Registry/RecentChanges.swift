/// The recently-changed list behind `GET /apps/delta` (spec 5.4; Netflix `recentlyChangedQueue`).
/// Entries point at leases, not copies: a delta shows each lease's record as it is when the delta is built
/// (4.1: the record is shared by reference), and a cancelled lease keeps its DELETED state and eviction time.
struct RecentChanges {
    struct Entry {
        let appendedAt: Int64
        let lease: Lease
    }

    /// Oldest first. Pruning advances `head` and compacts only when the dead prefix dominates, so the
    /// retention task costs amortised O(pruned), not O(list).
    private var entries: [Entry] = []
    private var head = 0

    var count: Int { entries.count - head }

    mutating func append(_ lease: Lease, now: Int64) {
        entries.append(Entry(appendedAt: now, lease: lease))
    }

    /// Drops entries from the head while `appendedAt < now - retention`, stopping at the first younger one
    /// (5.4, `getDeltaRetentionTask`): with a 30 s timer a change stays between 180 and 210 s.
    mutating func prune(now: Int64, retentionMs: Int64) {
        let cutoff = now - retentionMs
        while head < entries.count, entries[head].appendedAt < cutoff {
            head += 1
        }
        if head > 0, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    /// Each changed instance once, grouped app -> id -> lease. Walking oldest to newest and overwriting makes
    /// the latest entry win, as Netflix's `Application.addInstance` keyed by id does.
    func latestLeases() -> [String: [String: Lease]] {
        var byApp: [String: [String: Lease]] = [:]
        for entry in entries[head...] {
            byApp[entry.lease.instance.app, default: [:]][entry.lease.id] = entry.lease
        }
        return byApp
    }
}
